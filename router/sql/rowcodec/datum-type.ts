/**
 * Which SQL types the key codec can hold, and under which of its datum types. Types outside the
 * key codec (json, jsonb, arrays) cannot be index keys, as in PostgreSQL's btree without an
 * operator class for them.
 */
import type { DatumType } from '../../../storage/key-codec/datum.js';
import { Oid, type TypeOid } from '../types/oids.js';

const keyTypes = new Map<TypeOid, DatumType>([
  [Oid.int2, 'int2'], [Oid.int4, 'int4'], [Oid.int8, 'int8'], [Oid.float4, 'float4'], [Oid.float8, 'float8'],
  [Oid.numeric, 'numeric'], [Oid.text, 'text'], [Oid.varchar, 'varchar'], [Oid.bpchar, 'bpchar'], [Oid.name, 'text'],
  [Oid.bytea, 'bytea'], [Oid.bool, 'bool'], [Oid.date, 'date'], [Oid.time, 'time'], [Oid.timestamp, 'timestamp'],
  [Oid.timestamptz, 'timestamptz'], [Oid.interval, 'interval'], [Oid.uuid, 'uuid'],
]);

export function keyDatumType(oid: TypeOid): DatumType | undefined {
  return keyTypes.get(oid);
}
