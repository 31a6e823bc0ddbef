/**
 * The optimizer's entry point: normalization rules, then index selection. Rules never look at
 * costs; the choice between alternatives is the coster's (opt/cost), and they meet here.
 */
import type { RelExpr } from '../plan/rel-expr.js';
import { pushFilterIntoJoin } from './norm/push-filter-into-join.js';
import { selectIndexes } from './xform/select-index.js';

/** Normalization: applies the rules bottom-up until none applies. */
function normalize(plan: RelExpr): RelExpr {
  switch (plan.kind) {
    case 'filter': {
      const input = normalize(plan.input);
      const node = { ...plan, input };
      const pushed = pushFilterIntoJoin(node);
      return pushed === undefined ? node : normalize(pushed);
    }
    case 'project':
    case 'sort':
    case 'limit':
    case 'distinct':
    case 'aggregate':
    case 'window':
      return { ...plan, input: normalize(plan.input) } as RelExpr;
    case 'join': return { ...plan, left: normalize(plan.left), right: normalize(plan.right) };
    case 'setop': return { ...plan, left: normalize(plan.left), right: normalize(plan.right) };
    default: return plan;
  }
}

export function optimize(plan: RelExpr): RelExpr {
  return selectIndexes(normalize(plan));
}
