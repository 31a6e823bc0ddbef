/**
 * Index selection for a filtered scan: a conjunct `column = constant` (or `column IN (constants)`)
 * on a prefix of an index's columns turns a full scan into point lookups or prefix scans. The
 * filter stays above the scan, so the rewrite is valid whatever the predicate's other conjuncts.
 * Among usable indexes the one constraining the most columns wins (a unique index fully
 * constrained reads at most one row per key).
 */
import type { Datum } from '../../../../storage/key-codec/datum.js';
import type { IndexDescriptor, TableDescriptor } from '../../catalog/descriptors.js';
import { columnOrdinal } from '../../catalog/descriptors.js';
import { keyDatumType } from '../../rowcodec/datum-type.js';
import type { RelExpr } from '../../plan/rel-expr.js';
import type { ScalarExpr } from '../../plan/scalar-expr.js';

function conjunctsOf(predicate: ScalarExpr): readonly ScalarExpr[] {
  return predicate.kind === 'and' ? predicate.args : [predicate];
}

/** The column a conjunct constrains to constants (`column = c` or `column IN (c, ...)`), if it is one. */
function constrainedColumn(c: ScalarExpr): number | undefined {
  const eq = equalities({ kind: 'and', type: c.type, args: [c] });
  return eq.size === 1 ? [...eq.keys()][0] : undefined;
}

/** Per column position, the constant values it is constrained to. */
function equalities(predicate: ScalarExpr): Map<number, Datum[]> {
  const out = new Map<number, Datum[]>();
  const conjuncts = conjunctsOf(predicate);
  for (const c of conjuncts) {
    if (c.kind === 'call' && c.name === '=' && c.args.length === 2) {
      const [a, b] = c.args;
      const column = a?.kind === 'column' ? a : b?.kind === 'column' ? b : undefined;
      const constant = a?.kind === 'const' ? a : b?.kind === 'const' ? b : undefined;
      if (column === undefined || constant === undefined || constant.value === null) continue;
      if (column.type.oid !== constant.type.oid) continue;
      out.set(column.index, [constant.value as Datum]);
    } else if (c.kind === 'inList' && !c.negated && c.arg.kind === 'column' && c.list.every((e) => e.kind === 'const' && e.value !== null && e.type.oid === c.arg.type.oid)) {
      out.set(c.arg.index, c.list.map((e) => (e as Extract<ScalarExpr, { kind: 'const' }>).value as Datum));
    }
  }
  return out;
}

function prefixKeys(table: TableDescriptor, index: IndexDescriptor, eq: Map<number, Datum[]>): Datum[][] | undefined {
  let keys: Datum[][] = [[]];
  for (const id of index.columnIds) {
    const column = table.columns[columnOrdinal(table, id)];
    if (column === undefined || keyDatumType(column.type.oid) === undefined) break;
    const values = eq.get(columnOrdinal(table, id));
    if (values === undefined) break;
    keys = keys.flatMap((k) => values.map((v) => [...k, v]));
    if (keys.length > 1000) return undefined;
  }
  return keys[0]?.length === 0 ? undefined : keys;
}

function chooseIndex(table: TableDescriptor, predicate: ScalarExpr): { index: IndexDescriptor; keys: Datum[][] } | undefined {
  const eq = equalities(predicate);
  if (eq.size === 0) return undefined;
  let best: { index: IndexDescriptor; keys: Datum[][] } | undefined;
  for (const index of [table.primaryIndex, ...table.indexes.filter((i) => i.predicate === undefined)]) {
    const keys = prefixKeys(table, index, eq);
    if (keys === undefined) continue;
    const width = keys[0]?.length ?? 0;
    const bestWidth = best?.keys[0]?.length ?? 0;
    const full = width === index.columnIds.length && (index.unique || index === table.primaryIndex);
    if (best === undefined || width > bestWidth || (width === bestWidth && full)) best = { index, keys };
  }
  return best;
}

export function selectIndexes(plan: RelExpr): RelExpr {
  switch (plan.kind) {
    case 'filter': {
      const input = plan.input;
      if (input.kind === 'scan' && input.constraint.kind === 'full') {
        const choice = chooseIndex(input.table, plan.predicate);
        if (choice !== undefined) {
          const scan: RelExpr = { ...input, constraint: { kind: 'points', index: choice.index, keys: choice.keys } };
          // Conjuncts the index keys already guarantee leave the filter, when they are the only
          // constraint on their column (x = 1 AND x = 2 keeps both: the keys hold only one).
          const width = choice.keys[0]?.length ?? 0;
          const used = new Set(choice.index.columnIds.slice(0, width).map((id) => columnOrdinal(input.table, id)));
          const conjuncts = conjunctsOf(plan.predicate);
          const perColumn = new Map<number, number>();
          for (const c of conjuncts) {
            const column = constrainedColumn(c);
            if (column !== undefined) perColumn.set(column, (perColumn.get(column) ?? 0) + 1);
          }
          const rest = conjuncts.filter((c) => {
            const column = constrainedColumn(c);
            return column === undefined || !used.has(column) || perColumn.get(column) !== 1;
          });
          if (rest.length === 0) return scan;
          const predicate: ScalarExpr = rest.length === 1 ? (rest[0] as ScalarExpr) : { kind: 'and', type: plan.predicate.type, args: rest };
          return { ...plan, input: scan, predicate };
        }
      }
      return { ...plan, input: selectIndexes(input) };
    }
    case 'project':
    case 'sort':
    case 'limit':
    case 'distinct':
    case 'aggregate':
    case 'window':
      return { ...plan, input: selectIndexes(plan.input) } as RelExpr;
    case 'join': return { ...plan, left: selectIndexes(plan.left), right: selectIndexes(plan.right) };
    case 'setop': return { ...plan, left: selectIndexes(plan.left), right: selectIndexes(plan.right) };
    default: return plan;
  }
}
