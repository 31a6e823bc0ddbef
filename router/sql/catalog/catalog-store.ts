/**
 * Reads and writes descriptors and names inside the statement's transaction, so that DDL is
 * transactional (a CREATE TABLE rolled back leaves nothing behind) and a transaction sees its own
 * schema changes.
 */
import { PgError } from '../errors/pg-error.js';
import type { SqlKvTxn } from '../session/sql-kv.js';
import type { DatabaseDescriptor, Descriptor, DescriptorId, SchemaDescriptor, SequenceDescriptor, TableDescriptor, ViewDescriptor } from './descriptors.js';
import { counterKey, descriptorKey, FIRST_USER_DESCRIPTOR_ID, namespaceKey, namespaceParentSpan, userKey } from './system-keys.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}

export const DEFAULT_SCHEMA_NAME = 'public';
export const BOOTSTRAP_DATABASES = ['defaultdb', 'postgres'] as const;
export const ROOT_USER = 'root';

export interface UserRecord {
  readonly name: string;
  readonly superuser: boolean;
}

export class CatalogStore {
  constructor(private readonly txn: SqlKvTxn) {}

  /** Creates the databases, their public schemas and the root user, once. */
  async bootstrap(): Promise<void> {
    if ((await this.txn.get(userKey(ROOT_USER))) !== undefined) return;
    await this.txn.put(userKey(ROOT_USER), encodeJson({ name: ROOT_USER, superuser: true } satisfies UserRecord));
    for (const name of BOOTSTRAP_DATABASES) await this.createDatabase(name);
  }

  async user(name: string): Promise<UserRecord | undefined> {
    const bytes = await this.txn.get(userKey(name));
    return bytes === undefined ? undefined : decodeJson<UserRecord>(bytes);
  }

  async allocateId(): Promise<DescriptorId> {
    return Number(await this.increment('descriptor_id', FIRST_USER_DESCRIPTOR_ID));
  }

  /** Adds one to a counter (starting at `first`) and answers the new value. */
  async increment(name: string, first: number, by = 1): Promise<bigint> {
    const bytes = await this.txn.get(counterKey(name));
    const next = bytes === undefined ? BigInt(first) : BigInt(decodeJson<string>(bytes)) + BigInt(by);
    await this.txn.put(counterKey(name), encodeJson(next.toString()));
    return next;
  }

  async readCounter(name: string): Promise<bigint | undefined> {
    const bytes = await this.txn.get(counterKey(name));
    return bytes === undefined ? undefined : BigInt(decodeJson<string>(bytes));
  }

  async writeCounter(name: string, value: bigint): Promise<void> {
    await this.txn.put(counterKey(name), encodeJson(value.toString()));
  }

  async deleteCounter(name: string): Promise<void> {
    await this.txn.del(counterKey(name));
  }

  async lookupName(parentId: DescriptorId, schemaId: DescriptorId, name: string): Promise<DescriptorId | undefined> {
    const bytes = await this.txn.get(namespaceKey(parentId, schemaId, name));
    return bytes === undefined ? undefined : decodeJson<number>(bytes);
  }

  async descriptor(id: DescriptorId): Promise<Descriptor | undefined> {
    const bytes = await this.txn.get(descriptorKey(id));
    return bytes === undefined ? undefined : decodeJson<Descriptor>(bytes);
  }

  /** Writes a new version of a descriptor (its version one above the stored one). */
  async writeDescriptor<D extends Descriptor>(descriptor: D): Promise<D> {
    const stored = await this.descriptor(descriptor.id);
    const next = { ...descriptor, version: (stored?.version ?? 0) + 1 };
    await this.txn.put(descriptorKey(descriptor.id), encodeJson(next));
    return next;
  }

  async addName(parentId: DescriptorId, schemaId: DescriptorId, name: string, id: DescriptorId): Promise<void> {
    await this.txn.put(namespaceKey(parentId, schemaId, name), encodeJson(id));
  }

  async removeName(parentId: DescriptorId, schemaId: DescriptorId, name: string): Promise<void> {
    await this.txn.del(namespaceKey(parentId, schemaId, name));
  }

  async deleteDescriptor(id: DescriptorId): Promise<void> {
    await this.txn.del(descriptorKey(id));
  }

  async createDatabase(name: string): Promise<DatabaseDescriptor> {
    const id = await this.allocateId();
    const database = await this.writeDescriptor<DatabaseDescriptor>({ kind: 'database', id, version: 0, name });
    await this.addName(0, 0, name, id);
    await this.createSchema(id, DEFAULT_SCHEMA_NAME);
    return database;
  }

  async createSchema(databaseId: DescriptorId, name: string): Promise<SchemaDescriptor> {
    const id = await this.allocateId();
    const schema = await this.writeDescriptor<SchemaDescriptor>({ kind: 'schema', id, version: 0, name, databaseId });
    await this.addName(databaseId, 0, name, id);
    return schema;
  }

  async database(name: string): Promise<DatabaseDescriptor | undefined> {
    const id = await this.lookupName(0, 0, name);
    if (id === undefined) return undefined;
    const descriptor = await this.descriptor(id);
    return descriptor?.kind === 'database' ? descriptor : undefined;
  }

  async schema(databaseId: DescriptorId, name: string): Promise<SchemaDescriptor | undefined> {
    const id = await this.lookupName(databaseId, 0, name);
    if (id === undefined) return undefined;
    const descriptor = await this.descriptor(id);
    return descriptor?.kind === 'schema' ? descriptor : undefined;
  }

  async table(databaseId: DescriptorId, schemaId: DescriptorId, name: string): Promise<TableDescriptor | undefined> {
    const id = await this.lookupName(databaseId, schemaId, name);
    if (id === undefined) return undefined;
    const descriptor = await this.descriptor(id);
    return descriptor?.kind === 'table' ? descriptor : undefined;
  }

  async view(databaseId: DescriptorId, schemaId: DescriptorId, name: string): Promise<ViewDescriptor | undefined> {
    const id = await this.lookupName(databaseId, schemaId, name);
    if (id === undefined) return undefined;
    const descriptor = await this.descriptor(id);
    return descriptor?.kind === 'view' ? descriptor : undefined;
  }

  async sequence(databaseId: DescriptorId, schemaId: DescriptorId, name: string): Promise<SequenceDescriptor | undefined> {
    const id = await this.lookupName(databaseId, schemaId, name);
    if (id === undefined) return undefined;
    const descriptor = await this.descriptor(id);
    return descriptor?.kind === 'sequence' ? descriptor : undefined;
  }

  /** The ids named directly under a parent (with schema id `schemaId`). */
  async namesUnder(parentId: DescriptorId, schemaId: DescriptorId): Promise<{ name: string; id: DescriptorId }[]> {
    const span = namespaceParentSpan(parentId);
    const out: { name: string; id: DescriptorId }[] = [];
    for (const pair of await this.txn.scan(span.start, span.end)) {
      const id = decodeJson<number>(pair.value);
      const descriptor = await this.descriptor(id);
      if (descriptor === undefined) continue;
      const inSchema = descriptor.kind === 'table' || descriptor.kind === 'sequence' || descriptor.kind === 'view' ? descriptor.schemaId === schemaId : schemaId === 0;
      if (inSchema) out.push({ name: descriptor.name, id });
    }
    return out;
  }
}

export function undefinedTable(name: string): PgError {
  return new PgError('42P01', `relation "${name}" does not exist`);
}
