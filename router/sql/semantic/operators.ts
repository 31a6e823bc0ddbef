/**
 * Operator resolution for the binder: router/sql/functions resolves (manual 10.2) and supplies the
 * implementation; this file adapts its answer to the plan's call expression.
 */
import { resolveOperator as resolveCatalogOperator, type ResolvedCall } from '../functions/resolve.js';
import type { ScalarImpl } from '../functions/function-types.js';
import { sqlType, type SqlType } from '../types/sql-type.js';
import type { TypeOid } from '../types/oids.js';

export interface ResolvedOperator {
  readonly name: string;
  readonly argTypes: readonly SqlType[];
  readonly returnType: SqlType;
  readonly impl: ScalarImpl;
  readonly volatile: boolean;
}

/** A ScalarImpl calling a resolved call's implementation (which applies strictness itself). */
export function implOf(call: ResolvedCall): ScalarImpl {
  return (args, c) => call.invoke(args, c.ctx);
}

/** Resolves `left name right` (or the prefix operator `name right` when left is undefined). */
export function resolveOperator(name: string, left: TypeOid | undefined, right: TypeOid): ResolvedOperator {
  const call = resolveCatalogOperator(name, left === undefined ? undefined : sqlType(left), sqlType(right));
  return { name, argTypes: call.argTargets, returnType: call.returnType, impl: implOf(call), volatile: call.volatility === 'volatile' };
}
