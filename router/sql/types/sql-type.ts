/**
 * The type of a SQL expression as the rest of the engine passes it around: a pg_type OID and a
 * type modifier (typmod), exactly PostgreSQL's pair. The typmod is -1 when the type has none;
 * otherwise its meaning is the type's (typmod.ts): varchar(n) and char(n) hold n + 4, numeric(p,s)
 * holds ((p << 16) | s) + 4, timestamp(p) and time(p) hold p, interval holds its fields and
 * precision. An array's typmod is that of its elements, as in PostgreSQL.
 */
import { Oid, type TypeOid } from './oids.js';

export interface SqlType {
  readonly oid: TypeOid;
  readonly typmod: number;
}

const plain = new Map<TypeOid, SqlType>();

/** The type `oid` with typmod `typmod` (-1: none). Types without a typmod are shared objects. */
export function sqlType(oid: TypeOid, typmod = -1): SqlType {
  if (typmod !== -1) return Object.freeze({ oid, typmod });
  let type = plain.get(oid);
  if (type === undefined) {
    type = Object.freeze({ oid, typmod: -1 });
    plain.set(oid, type);
  }
  return type;
}

export function sameType(a: SqlType, b: SqlType): boolean {
  return a.oid === b.oid && a.typmod === b.typmod;
}

/** The common types, without typmods. */
export const T = {
  bool: sqlType(Oid.bool),
  bytea: sqlType(Oid.bytea),
  char: sqlType(Oid.char),
  name: sqlType(Oid.name),
  int2: sqlType(Oid.int2),
  int4: sqlType(Oid.int4),
  int8: sqlType(Oid.int8),
  float4: sqlType(Oid.float4),
  float8: sqlType(Oid.float8),
  numeric: sqlType(Oid.numeric),
  text: sqlType(Oid.text),
  varchar: sqlType(Oid.varchar),
  bpchar: sqlType(Oid.bpchar),
  date: sqlType(Oid.date),
  time: sqlType(Oid.time),
  timestamp: sqlType(Oid.timestamp),
  timestamptz: sqlType(Oid.timestamptz),
  interval: sqlType(Oid.interval),
  uuid: sqlType(Oid.uuid),
  json: sqlType(Oid.json),
  jsonb: sqlType(Oid.jsonb),
  oid: sqlType(Oid.oid),
  regclass: sqlType(Oid.regclass),
  regtype: sqlType(Oid.regtype),
  regproc: sqlType(Oid.regproc),
  unknown: sqlType(Oid.unknown),
  void: sqlType(Oid.void),
  record: sqlType(Oid.record),
  any: sqlType(Oid.any),
  anyelement: sqlType(Oid.anyelement),
  anyarray: sqlType(Oid.anyarray),
  textArray: sqlType(Oid.textArray),
  int4Array: sqlType(Oid.int4Array),
} as const;
