/**
 * CREATE / DROP SEQUENCE and the sequences behind serial and identity columns: options as
 * PostgreSQL reads them (CREATE SEQUENCE: INCREMENT, MINVALUE, MAXVALUE, START, CYCLE, AS type;
 * defaults 1 .. the type's maximum counting up, and the reverse counting down).
 */
import type { AlterSeqStmt, CreateSeqStmt, Node } from '@pgsql/types';
import type { DescriptorId, SequenceDescriptor } from '../catalog/descriptors.js';
import { PgError, unsupported } from '../errors/pg-error.js';
import { nodeKind, typeFromTypeName } from '../semantic/bind-scalar.js';
import { loadSequence } from '../semantic/table-prefetch.js';
import type { StatementContext } from '../session/statement-context.js';
import type { StatementResult } from '../session/statement-result.js';
import { Oid } from '../types/oids.js';

const typeBounds: Record<number, { min: bigint; max: bigint; name: string }> = {
  [Oid.int2]: { min: -32768n, max: 32767n, name: 'smallint' },
  [Oid.int4]: { min: -2147483648n, max: 2147483647n, name: 'integer' },
  [Oid.int8]: { min: -(2n ** 63n), max: 2n ** 63n - 1n, name: 'bigint' },
};

function optionValue(arg: Node | undefined): bigint | boolean | undefined {
  if (arg === undefined) return undefined;
  const [kind, body] = nodeKind(arg);
  if (kind === 'Integer') return BigInt((body as { ival?: number }).ival ?? 0);
  if (kind === 'Float') return BigInt((body as { fval?: string }).fval ?? '0');
  if (kind === 'Boolean') return (body as { boolval?: boolean }).boolval === true;
  return undefined;
}

/** Builds a sequence from CREATE SEQUENCE options (or an identity column's). */
export function sequenceFromOptions(
  options: readonly Node[] | undefined,
  fields: { id: DescriptorId; name: string; databaseId: DescriptorId; schemaId: DescriptorId; typeOid: number; ownedBy?: { tableId: DescriptorId; columnId: number } },
): SequenceDescriptor {
  let typeOid = fields.typeOid;
  let increment = 1n;
  let min: bigint | undefined;
  let max: bigint | undefined;
  let start: bigint | undefined;
  let cycle = false;
  for (const node of options ?? []) {
    const def = nodeKind(node)[1] as { defname?: string; arg?: Node };
    const value = optionValue(def.arg);
    switch (def.defname) {
      case 'as': {
        if (def.arg === undefined) break;
        const type = typeFromTypeName(nodeKind(def.arg)[1] as Parameters<typeof typeFromTypeName>[0]);
        if (typeBounds[type.oid] === undefined) throw new PgError('22023', 'sequence type must be smallint, integer, or bigint');
        typeOid = type.oid;
        break;
      }
      case 'increment': if (typeof value === 'bigint') increment = value; break;
      case 'minvalue': if (typeof value === 'bigint') min = value; break;
      case 'maxvalue': if (typeof value === 'bigint') max = value; break;
      case 'start': if (typeof value === 'bigint') start = value; break;
      case 'cycle': cycle = value === true; break;
      case 'cache': break;
      case 'owned_by': break;
      default: throw unsupported(`sequence option ${def.defname ?? ''}`);
    }
  }
  if (increment === 0n) throw new PgError('22023', 'INCREMENT must not be zero');
  const bounds = typeBounds[typeOid] ?? typeBounds[Oid.int8];
  if (bounds === undefined) throw new PgError('XX000', 'sequence type bounds missing');
  const minValue = min ?? (increment > 0n ? 1n : bounds.min);
  const maxValue = max ?? (increment > 0n ? bounds.max : -1n);
  if (minValue < bounds.min || maxValue > bounds.max) {
    throw new PgError('22023', `${minValue < bounds.min ? 'MINVALUE' : 'MAXVALUE'} (${minValue < bounds.min ? minValue : maxValue}) is out of range for sequence data type ${bounds.name}`);
  }
  if (minValue >= maxValue) throw new PgError('22023', `MINVALUE (${minValue}) must be less than MAXVALUE (${maxValue})`);
  const startValue = start ?? (increment > 0n ? minValue : maxValue);
  if (startValue < minValue) throw new PgError('22023', `START value (${startValue}) cannot be less than MINVALUE (${minValue})`);
  if (startValue > maxValue) throw new PgError('22023', `START value (${startValue}) cannot be greater than MAXVALUE (${maxValue})`);
  return {
    kind: 'sequence', id: fields.id, version: 0, name: fields.name, databaseId: fields.databaseId, schemaId: fields.schemaId,
    increment: increment.toString(), minValue: minValue.toString(), maxValue: maxValue.toString(), start: startValue.toString(), cycle,
    ...(fields.ownedBy === undefined ? {} : { ownedBy: fields.ownedBy }),
  };
}

export async function createSequence(ctx: StatementContext, stmt: CreateSeqStmt): Promise<StatementResult> {
  const name = stmt.sequence?.relname ?? '';
  const schemaName = stmt.sequence?.schemaname;
  const schema = schemaName === undefined ? ctx.searchPath[0] : await ctx.catalog.schema(ctx.databaseId, schemaName);
  if (schema === undefined) throw new PgError('3F000', `schema "${schemaName ?? ''}" does not exist`);
  const done: StatementResult = { columns: [], rows: [], commandTag: 'CREATE SEQUENCE', notices: ctx.notices };
  if ((await ctx.catalog.lookupName(ctx.databaseId, schema.id, name)) !== undefined) {
    if (stmt.if_not_exists === true) {
      ctx.notices.push({ severity: 'NOTICE', code: '42P07', message: `relation "${name}" already exists, skipping` });
      return done;
    }
    throw new PgError('42P07', `relation "${name}" already exists`);
  }
  const id = await ctx.catalog.allocateId();
  const seq = sequenceFromOptions(stmt.options, { id, name, databaseId: ctx.databaseId, schemaId: schema.id, typeOid: Oid.int8 });
  await ctx.catalog.writeDescriptor(seq);
  await ctx.catalog.addName(ctx.databaseId, schema.id, name, id);
  ctx.sequenceRuntime.forget(id);
  return done;
}

export async function dropSequenceNamed(ctx: StatementContext, names: readonly string[], missingOk: boolean, cascade = false): Promise<void> {
  const name = names.at(-1) ?? '';
  const seq = await loadSequence(ctx, names.length > 1 ? names[names.length - 2] : undefined, name);
  if (seq === undefined) {
    if (!missingOk) throw new PgError('42P01', `sequence "${name}" does not exist`);
    ctx.notices.push({ severity: 'NOTICE', code: '00000', message: `sequence "${name}" does not exist, skipping` });
    return;
  }
  // Column defaults calling nextval on it depend on it (2BP01), or lose their default under CASCADE.
  const marker = `{"sval":"${seq.name}"}`;
  for (const { id } of await ctx.catalog.namesUnder(seq.databaseId, seq.schemaId)) {
    const d = await ctx.catalog.descriptor(id);
    if (d?.kind !== 'table' || d.id === seq.ownedBy?.tableId) continue;
    const dependent = d.columns.filter((c) => c.defaultExpr !== undefined && JSON.stringify(c.defaultExpr).includes(marker));
    if (dependent.length === 0) continue;
    if (!cascade) {
      throw new PgError('2BP01', `cannot drop sequence ${seq.name} because other objects depend on it`, {
        detail: `default value for column ${dependent[0]?.name ?? ''} of table ${d.name} depends on sequence ${seq.name}`,
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    ctx.notices.push({ severity: 'NOTICE', code: '00000', message: `drop cascades to default value for column ${dependent[0]?.name ?? ''} of table ${d.name}` });
    await ctx.catalog.writeDescriptor({ ...d, columns: d.columns.map((c) => {
      if (!dependent.includes(c)) return c;
      const { defaultExpr: _dropped, ...rest } = c;
      return rest;
    }) });
  }
  await dropSequence(ctx, seq);
}

/** ALTER SEQUENCE: new options over the old ones; RESTART [WITH n] sets the next value. */
export async function alterSequence(ctx: StatementContext, stmt: AlterSeqStmt): Promise<StatementResult> {
  const done: StatementResult = { columns: [], rows: [], commandTag: 'ALTER SEQUENCE', notices: ctx.notices };
  const name = stmt.sequence?.relname ?? '';
  const seq = await loadSequence(ctx, stmt.sequence?.schemaname, name);
  if (seq === undefined) {
    if (stmt.missing_ok === true) return done;
    throw new PgError('42P01', `relation "${name}" does not exist`);
  }
  let restart: bigint | undefined;
  const kept: Node[] = [];
  for (const node of stmt.options ?? []) {
    const def = nodeKind(node)[1] as { defname?: string; arg?: Node };
    if (def.defname === 'restart') {
      const value = optionValue(def.arg);
      restart = typeof value === 'bigint' ? value : BigInt(seq.start);
    } else {
      kept.push(node);
    }
  }
  const previous: Node[] = [
    { DefElem: { defname: 'increment', arg: { Integer: { ival: Number(seq.increment) } } } },
    { DefElem: { defname: 'minvalue', arg: { Float: { fval: seq.minValue } } } },
    { DefElem: { defname: 'maxvalue', arg: { Float: { fval: seq.maxValue } } } },
    { DefElem: { defname: 'start', arg: { Float: { fval: seq.start } } } },
    { DefElem: { defname: 'cycle', arg: { Boolean: { boolval: seq.cycle } } } },
  ] as Node[];
  const updated = sequenceFromOptions([...previous, ...kept], {
    id: seq.id, name: seq.name, databaseId: seq.databaseId, schemaId: seq.schemaId, typeOid: Oid.int8, ...(seq.ownedBy === undefined ? {} : { ownedBy: seq.ownedBy }),
  });
  await ctx.catalog.writeDescriptor(updated);
  await ctx.sequenceRuntime.load(ctx.catalog, updated);
  if (restart !== undefined) ctx.sequenceRuntime.setval(updated, restart, false);
  return done;
}

export async function dropSequence(ctx: StatementContext, seq: SequenceDescriptor): Promise<void> {
  await ctx.catalog.removeName(seq.databaseId, seq.schemaId, seq.name);
  await ctx.catalog.deleteDescriptor(seq.id);
  await ctx.catalog.deleteCounter(`sequence:${seq.id}`);
  ctx.sequenceRuntime.forget(seq.id);
}
