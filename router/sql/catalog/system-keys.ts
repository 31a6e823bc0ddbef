/**
 * Where the catalog lives in the key space: system tables with small reserved ids, laid out like
 * any other table (/<tableId>/<indexId>/<key columns>), so that they split, replicate and are read
 * through client/kv exactly as user data is.
 */
import { encodeKey, type KeyColumn } from '../../../storage/key-codec/index.js';
import { indexKeyPrefix, prefixSpan, type KeySpan } from '../../../storage/keys.js';
import type { DescriptorId } from './descriptors.js';

export const SystemTableId = {
  /** id -> descriptor (JSON with a version). */
  descriptors: 1,
  /** (parent id, schema id, name) -> id. Databases have parent 0, schemas schema 0. */
  namespace: 2,
  /** name -> counter value: the descriptor id allocator and sequences. */
  counters: 3,
  /** user name -> role record. */
  users: 4,
} as const;

/** The first id given to a database, schema or table created by users. */
export const FIRST_USER_DESCRIPTOR_ID = 100;

const idColumn: readonly KeyColumn[] = [{ type: 'int4' }];
const namespaceColumns: readonly KeyColumn[] = [{ type: 'int4' }, { type: 'int4' }, { type: 'text' }];
const nameColumn: readonly KeyColumn[] = [{ type: 'text' }];

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function descriptorKey(id: DescriptorId): Uint8Array {
  return concat(indexKeyPrefix(SystemTableId.descriptors, 1), encodeKey([id], idColumn));
}

export function namespaceKey(parentId: DescriptorId, schemaId: DescriptorId, name: string): Uint8Array {
  return concat(indexKeyPrefix(SystemTableId.namespace, 1), encodeKey([parentId, schemaId, name], namespaceColumns));
}

/** Every namespace entry under one parent (a database's schemas and tables, or all databases). */
export function namespaceParentSpan(parentId: DescriptorId): KeySpan {
  return prefixSpan(concat(indexKeyPrefix(SystemTableId.namespace, 1), encodeKey([parentId], idColumn)));
}

export function counterKey(name: string): Uint8Array {
  return concat(indexKeyPrefix(SystemTableId.counters, 1), encodeKey([name], nameColumn));
}

export function userKey(name: string): Uint8Array {
  return concat(indexKeyPrefix(SystemTableId.users, 1), encodeKey([name], nameColumn));
}
