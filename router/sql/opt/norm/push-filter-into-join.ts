/**
 * Predicate pushdown: a conjunct of a filter over an inner join that reads columns of one side
 * only is applied to that side before the join. Valid for inner joins (a row of the join exists
 * only when both sides' rows exist and the condition holds, so filtering a side first gives the
 * same rows); not for outer joins, whose unmatched rows would wrongly appear (a filter on the
 * nullable side of a LEFT JOIN keeps a left row that the filter above would have dropped).
 * Conjuncts with subqueries or outer references stay where they are.
 */
import type { RelExpr } from '../../plan/rel-expr.js';
import type { ScalarExpr } from '../../plan/scalar-expr.js';

/** The input columns an expression reads, or undefined when it cannot be moved (subqueries). */
function columnsRead(expr: ScalarExpr): Set<number> | undefined {
  const out = new Set<number>();
  let movable = true;
  const walk = (node: unknown): void => {
    if (!movable || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const record = node as { kind?: unknown; index?: unknown; plan?: unknown };
    if (record.kind === 'subquery' || record.kind === 'rowQuantified' || record.kind === 'outer' || record.kind === 'srfCall' || record.plan !== undefined) {
      movable = false;
      return;
    }
    if (record.kind === 'column' && typeof record.index === 'number') out.add(record.index);
    for (const [key, value] of Object.entries(node)) if (key !== 'type' && key !== 'cast') walk(value);
  };
  walk(expr);
  return movable ? out : undefined;
}

/** A copy of the expression with every column index shifted by `delta`. */
function shifted(expr: ScalarExpr, delta: number): ScalarExpr {
  if (delta === 0) return expr;
  const copy = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map(copy);
    const record = node as { kind?: unknown };
    if (typeof record.kind !== 'string') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = key === 'type' || key === 'cast' || key === 'value' ? value : copy(value);
    if (record.kind === 'column') out['index'] = (node as { index: number }).index + delta;
    return out;
  };
  return copy(expr) as ScalarExpr;
}

function and(conjuncts: readonly ScalarExpr[], type: ScalarExpr['type']): ScalarExpr | undefined {
  if (conjuncts.length === 0) return undefined;
  return conjuncts.length === 1 ? conjuncts[0] : { kind: 'and', type, args: conjuncts };
}

function filtered(input: RelExpr, predicate: ScalarExpr | undefined): RelExpr {
  return predicate === undefined ? input : { kind: 'filter', columns: input.columns, input, predicate };
}

export function pushFilterIntoJoin(plan: Extract<RelExpr, { kind: 'filter' }>): RelExpr | undefined {
  const join = plan.input;
  if (join.kind !== 'join' || join.joinType !== 'inner' || join.lateral) return undefined;
  const width = join.left.columns.length;
  const conjuncts = plan.predicate.kind === 'and' ? plan.predicate.args : [plan.predicate];
  const left: ScalarExpr[] = [];
  const right: ScalarExpr[] = [];
  const rest: ScalarExpr[] = [];
  for (const c of conjuncts) {
    const read = columnsRead(c);
    if (read === undefined || read.size === 0) rest.push(c);
    else if ([...read].every((i) => i < width)) left.push(c);
    else if ([...read].every((i) => i >= width)) right.push(shifted(c, -width));
    else rest.push(c);
  }
  if (left.length === 0 && right.length === 0) return undefined;
  const type = plan.predicate.type;
  const pushed: RelExpr = { ...join, left: filtered(join.left, and(left, type)), right: filtered(join.right, and(right, type)) };
  return filtered(pushed, and(rest, type));
}
