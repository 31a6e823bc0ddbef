/**
 * Everything one statement runs with: its transaction, the catalog seen through it, the current
 * database and schema, the evaluation context, and the notices it raises.
 */
import type { CatalogStore } from '../catalog/catalog-store.js';
import type { DescriptorId, SequenceDescriptor, TableDescriptor, ViewDescriptor } from '../catalog/descriptors.js';
import type { SequenceRuntime, SessionSequences } from '../exec/sequence-runtime.js';
import type { EvalContext } from '../functions/eval-context.js';
import type { SqlType } from '../types/sql-type.js';
import type { Value } from '../types/value.js';
import type { SqlKvTxn } from './sql-kv.js';
import type { Notice } from './statement-result.js';

export interface StatementContext {
  readonly txn: SqlKvTxn;
  readonly catalog: CatalogStore;
  readonly databaseId: DescriptorId;
  readonly databaseName: string;
  /** The schemas of search_path that exist, in order (public by default). */
  readonly searchPath: readonly { readonly id: DescriptorId; readonly name: string }[];
  readonly evalCtx: EvalContext;
  readonly notices: Notice[];
  readonly params: readonly Value[];
  readonly paramTypes: SqlType[];
  /** Tables named by the statement, loaded before analysis (analysis itself does no IO). */
  readonly tables: Map<string, TableDescriptor | undefined>;
  /** Views named by the statement (names that are not tables), loaded with the tables. */
  readonly views: Map<string, ViewDescriptor>;
  /** A new hidden row id. */
  readonly allocateRowId: () => bigint;
  /** Sequences named by the statement (and its tables' defaults), loaded before analysis. */
  /** null: the name is a relation that is not a sequence. */
  readonly sequences: Map<string, SequenceDescriptor | null | undefined>;
  readonly sequenceRuntime: SequenceRuntime;
  readonly sessionSequences: SessionSequences;
}
