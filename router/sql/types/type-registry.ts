/**
 * The types Tessera knows, with PostgreSQL's pg_type attributes (pg-type.gen.ts): name, length,
 * category and preferred flag (which drive implicit coercion, manual chapter 10), element and
 * array types.
 */
import { assert } from '../../../common/assert.js';
import { PgError } from '../errors/pg-error.js';
import { Oid, type TypeOid } from './oids.js';
import { pgTypeRows } from './pg-type.gen.js';

/**
 * pg_type.typcategory: A array, B boolean, D date/time, N numeric, P pseudo, S string,
 * T timespan, U user-defined (bytea, json, uuid...), X unknown, Z internal ("char").
 */
export type TypeCategory = 'A' | 'B' | 'C' | 'D' | 'E' | 'G' | 'I' | 'N' | 'P' | 'R' | 'S' | 'T' | 'U' | 'V' | 'X' | 'Z';

export interface TypeInfo {
  readonly oid: TypeOid;
  /** pg_type.typname, e.g. int4, _int4, bpchar. */
  readonly name: string;
  /** format_type's name without a typmod, e.g. integer, integer[], character. */
  readonly sqlName: string;
  /** typlen: bytes, -1 for varlena, -2 for C strings. */
  readonly length: number;
  readonly byValue: boolean;
  readonly kind: 'base' | 'pseudo';
  readonly category: TypeCategory;
  readonly preferred: boolean;
  /** The element type of an array type (typelem), 0 otherwise. */
  readonly elementOid: TypeOid;
  /** The array type of this type (typarray), 0 when it has none. */
  readonly arrayOid: TypeOid;
  readonly delimiter: string;
}

const byOid = new Map<TypeOid, TypeInfo>();
const byName = new Map<string, TypeInfo>();
for (const [oid, name, sqlName, length, byValue, kind, category, preferred, elementOid, arrayOid, delimiter] of pgTypeRows) {
  const info: TypeInfo = Object.freeze({
    oid, name, sqlName, length, byValue, kind: kind === 'p' ? 'pseudo' : 'base', category: category as TypeCategory,
    preferred, elementOid, arrayOid, delimiter,
  });
  byOid.set(oid, info);
  byName.set(name, info);
}

export function findType(oid: TypeOid): TypeInfo | undefined {
  return byOid.get(oid);
}

/** The type with this OID; the OID must be one the registry knows. */
export function typeInfo(oid: TypeOid): TypeInfo {
  const info = byOid.get(oid);
  assert(info !== undefined, `unknown type oid ${oid}`);
  return info;
}

/** Looks a type up by pg_type.typname ("int4", "varchar", "_text"), as TypenameGetTypid does. */
export function findTypeByName(name: string): TypeInfo | undefined {
  return byName.get(name);
}

/** Every known type, in OID order. */
export function allTypes(): readonly TypeInfo[] {
  return [...byOid.values()];
}

/**
 * True for array types: those with an element type and variable length (PostgreSQL's
 * IsTrueArrayType; `name` has an element type but is fixed-length and not an array).
 */
export function isArrayType(oid: TypeOid): boolean {
  const info = byOid.get(oid);
  return info !== undefined && info.elementOid !== 0 && info.length === -1;
}

/** The element type of an array type, or 0. */
export function elementTypeOf(oid: TypeOid): TypeOid {
  return isArrayType(oid) ? typeInfo(oid).elementOid : 0;
}

/** The array type whose elements are `oid`, or 0 when PostgreSQL has none (arrays of arrays). */
export function arrayTypeOf(oid: TypeOid): TypeOid {
  return byOid.get(oid)?.arrayOid ?? 0;
}

/** The array type of `oid`, or the error PostgreSQL gives when there is none. */
export function requireArrayTypeOf(oid: TypeOid): TypeOid {
  const arrayOid = arrayTypeOf(oid);
  if (arrayOid === 0) {
    throw new PgError('42704', `could not find array type for data type ${typeInfo(oid).sqlName}`);
  }
  return arrayOid;
}

export function typeCategory(oid: TypeOid): TypeCategory {
  return byOid.get(oid)?.category ?? 'U';
}

export function isPreferredType(oid: TypeOid): boolean {
  return byOid.get(oid)?.preferred ?? false;
}

const polymorphic: ReadonlySet<TypeOid> = new Set([
  Oid.anyelement, Oid.anyarray, Oid.anynonarray, Oid.anycompatible, Oid.anycompatiblearray,
  Oid.anycompatiblenonarray,
]);

/** anyelement, anyarray, anynonarray and the anycompatible family (not "any"). */
export function isPolymorphicType(oid: TypeOid): boolean {
  return polymorphic.has(oid);
}

/** The string category types, which every type can be converted to by its output function. */
export function isStringCategory(oid: TypeOid): boolean {
  return typeCategory(oid) === 'S';
}
