/**
 * Type names as SQL writes them. The grammar already turns keywords into pg_type names
 * (`integer` arrives as pg_catalog.int4, `varchar(10)` as varchar with modifier 10); this module
 * resolves the resulting names, as TypenameGetTypid does, and parses the type names that the
 * regtype input function reads from text ('integer', 'character varying(10)', 'text[]').
 */
import { PgError } from '../errors/pg-error.js';
import { Oid } from './oids.js';
import { sqlType, type SqlType } from './sql-type.js';
import { findTypeByName, requireArrayTypeOf } from './type-registry.js';
import { typmodFromModifiers } from './typmod.js';

/**
 * The type named by a parsed TypeName: its name parts (an optional `pg_catalog` schema), its
 * modifiers and its array bounds (`int[]` has one; PostgreSQL ignores their sizes and number).
 */
export function resolveTypeName(names: readonly string[], modifiers: readonly number[] = [], arrayBounds = 0): SqlType {
  const name = names[names.length - 1] ?? '';
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  const shown = names.join('.');
  if (names.length > 2 || (schema !== undefined && schema !== 'pg_catalog' && schema !== 'public')) {
    throw new PgError('42704', `type "${shown}" does not exist`);
  }
  const info = findTypeByName(name);
  if (info === undefined || (schema === 'public')) throw new PgError('42704', `type "${shown}" does not exist`);
  const typmod = typmodFromModifiers(info.oid, modifiers);
  if (arrayBounds > 0) return sqlType(requireArrayTypeOf(info.oid), typmod);
  return sqlType(info.oid, typmod);
}

/** SQL-standard spellings that the grammar maps to pg_type names. */
const sqlSpellings = new Map<string, string>([
  ['integer', 'int4'], ['int', 'int4'], ['smallint', 'int2'], ['bigint', 'int8'], ['real', 'float4'],
  ['double precision', 'float8'], ['float', 'float8'], ['boolean', 'bool'], ['decimal', 'numeric'], ['dec', 'numeric'],
  ['character varying', 'varchar'], ['char varying', 'varchar'], ['character', 'bpchar'], ['char', 'bpchar'],
  ['national character varying', 'varchar'], ['national character', 'bpchar'], ['nchar', 'bpchar'],
  ['timestamp without time zone', 'timestamp'], ['timestamp with time zone', 'timestamptz'],
  ['time without time zone', 'time'], ['"char"', 'char'],
]);

/** Parses a type name written as text, as regtype input and to_regtype do. */
export function parseTypeNameText(text: string): SqlType {
  let rest = text.trim();
  let arrayBounds = 0;
  while (/\[\s*\d*\s*\]$/.test(rest)) {
    rest = rest.replace(/\[\s*\d*\s*\]$/, '').trim();
    arrayBounds++;
  }
  let modifiers: number[] = [];
  const modifierMatch = /^(.*?)\s*\(([^)]*)\)(.*)$/.exec(rest);
  if (modifierMatch !== null) {
    modifiers = (modifierMatch[2] as string).split(',').map((m) => Number(m.trim()));
    rest = `${modifierMatch[1]}${modifierMatch[3]}`.trim();
  }
  if (modifiers.some((m) => !Number.isInteger(m))) throw new PgError('42601', `invalid type name "${text}"`);
  let lower = rest.replace(/\s+/g, ' ');
  if (lower !== '"char"') lower = lower.toLowerCase().replace(/^"(.*)"$/, '$1');
  lower = lower.replace(/^pg_catalog\./, '');
  const base = sqlSpellings.get(lower) ?? lower;
  const info = findTypeByName(base);
  if (info === undefined) throw new PgError('42704', `type "${rest}" does not exist`);
  if (base === 'bpchar' && modifiers.length === 0 && (lower === 'char' || lower === 'character')) {
    modifiers = [1];
  }
  return resolveTypeName([info.name], info.oid === Oid.interval ? [] : modifiers, arrayBounds);
}
