/**
 * The built-in functions, operators, aggregates and window functions, with PostgreSQL 15's
 * signatures (from its catalog) and semantics, and their resolution. See OVERVIEW.md.
 */
export { resolveFunction, resolveOperator, isTypeName, type CallArgument, type ResolvedCall, type ResolveOptions } from './resolve.js';
export { allOperators, allProcs, operatorByOid, operatorsNamed, procByOid, procsNamed, type OperatorDef, type ProcDef } from './catalog.js';
export { DEFAULT_VERSION_TEXT, fixedEvalContext, SessionRandom, type EvalContext } from './eval-context.js';
export {
  accumulate, asArgs, type Aggregate, type Args, type Call, type ScalarImpl, type SetImpl, type WindowFunction, type WindowRows,
} from './function-types.js';
export { compareAcross } from './implementations.js';
export { arrayAssign, arraySlice, arraySubscript } from './impl/array-funcs.js';
export { like, likeEscape, similarToEscape } from './impl/pattern-funcs.js';
