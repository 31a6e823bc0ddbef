/**
 * Function and operator resolution (manual 10.2 and 10.3; parse_func.c and parse_oper.c): from a
 * name and the types of the arguments to one catalog entry, the coercions to apply to the
 * arguments, the result type, and a callable implementation.
 */
import { assert } from '../../../common/assert.js';
import { PgError } from '../errors/pg-error.js';
import { selectCandidate, matchArgTypes } from '../types/candidate-selection.js';
import { findCoercionPathway, planCoercion, type CastPlan } from '../types/coercion.js';
import { parseValue } from '../types/io/value-io.js';
import { defaultTypeContext } from '../types/type-context.js';
import { Oid, type TypeOid } from '../types/oids.js';
import { concreteType, resolvePolymorphicTypes, type PolymorphicResolution } from '../types/polymorphic.js';
import { sqlType, type SqlType } from '../types/sql-type.js';
import { elementTypeOf, findType, findTypeByName, isPolymorphicType, typeCategory } from '../types/type-registry.js';
import { typeName } from '../types/typmod.js';
import { SqlArray, type Value } from '../types/value.js';
import { isVariadicAny, operatorsNamed, procsNamed, type OperatorDef, type OutputColumn, type ProcDef, type Volatility } from './catalog.js';
import type { EvalContext } from './eval-context.js';
import { asArgs, type Aggregate, type Call, type ScalarImpl, type SetImpl, type WindowFunction } from './function-types.js';
import {
  aggregateImplementation, comparisonImpl, notImplemented, scalarImplementation, setImplementation, windowImplementation,
} from './implementations.js';

/** An argument of a call: its type, and its name in named notation (`f(x => 1)`). */
export interface CallArgument {
  readonly type: SqlType;
  readonly name?: string;
}

export interface ResolveOptions {
  /** The call's last argument was written `VARIADIC array`. */
  readonly variadic?: boolean;
}

/**
 * A resolved call. The caller coerces each argument with `argCoercions` (in call order), then
 * calls `invoke` (or `invokeSet`, `createAggregate`, `createWindow` by kind) with the coerced
 * values; defaults, VARIADIC packing and strictness (NULL in, NULL out) are handled inside.
 */
export interface ResolvedCall {
  readonly kind: 'function' | 'aggregate' | 'window' | 'cast' | 'operator';
  readonly name: string;
  /** The catalog entry (absent for a function-style cast such as `text(1)`). */
  readonly proc?: ProcDef;
  readonly operator?: OperatorDef;
  /** The type each argument is coerced to, in call order. */
  readonly argTargets: readonly SqlType[];
  readonly argCoercions: readonly CastPlan[];
  readonly returnType: SqlType;
  readonly returnsSet: boolean;
  readonly strict: boolean;
  readonly volatility: Volatility;
  /** The columns of a set-returning function that returns records (jsonb_each: key, value). */
  readonly outputColumns: readonly OutputColumn[];
  invoke(args: readonly Value[], ctx: EvalContext): Value;
  invokeSet(args: readonly Value[], ctx: EvalContext): Iterable<Value>;
  createAggregate(): Aggregate<unknown>;
  createWindow(): WindowFunction;
}

interface Candidate {
  readonly proc: ProcDef;
  /** Declared types of the actual arguments, in call order. */
  readonly argTypes: readonly TypeOid[];
  /** The parameter each actual argument binds to. */
  readonly positions: readonly number[];
  readonly expandedVariadic: boolean;
}

/** The candidates of a name for the given arguments, expanded for VARIADIC, defaults and names. */
function candidatesFor(procs: readonly ProcDef[], args: readonly CallArgument[], variadicKeyword: boolean): Candidate[] {
  const out: Candidate[] = [];
  const nargs = args.length;
  const named = args.some((a) => a.name !== undefined);
  for (const proc of procs) {
    const nparams = proc.argTypes.length;
    if (named) {
      const positions = bindNamed(proc, args);
      if (positions !== undefined) out.push({ proc, argTypes: positions.map((p) => proc.argTypes[p] as TypeOid), positions, expandedVariadic: false });
      continue;
    }
    if (proc.variadicType !== 0 && !variadicKeyword && nargs >= nparams) {
      const argTypes = args.map((_, i) => (i < nparams - 1 ? proc.argTypes[i] : proc.variadicType) as TypeOid);
      out.push({ proc, argTypes, positions: args.map((_, i) => Math.min(i, nparams - 1)), expandedVariadic: true });
      continue;
    }
    if (variadicKeyword && proc.variadicType === 0) continue;
    if (nargs === nparams || (nargs < nparams && nargs + proc.defaults.length >= nparams)) {
      out.push({ proc, argTypes: proc.argTypes.slice(0, nargs), positions: args.map((_, i) => i), expandedVariadic: false });
    }
  }
  return out;
}

/** Binds positional-then-named arguments to parameters; missing ones must have defaults. */
function bindNamed(proc: ProcDef, args: readonly CallArgument[]): number[] | undefined {
  const nparams = proc.argTypes.length;
  const positions: number[] = [];
  const filled = new Set<number>();
  for (const [i, arg] of args.entries()) {
    let position: number;
    if (arg.name === undefined) position = i;
    else position = proc.argNames.indexOf(arg.name);
    if (position < 0 || position >= nparams || filled.has(position)) return undefined;
    filled.add(position);
    positions.push(position);
  }
  const firstDefault = nparams - proc.defaults.length;
  for (let p = 0; p < nparams; p++) if (!filled.has(p) && p < firstDefault) return undefined;
  return positions;
}

function signature(name: string, args: readonly CallArgument[], variadic: boolean): string {
  const parts = args.map((a, i) => {
    const type = typeName(a.type.oid);
    const prefix = variadic && i === args.length - 1 ? 'VARIADIC ' : '';
    return a.name === undefined ? `${prefix}${type}` : `${prefix}${a.name} => ${type}`;
  });
  return `${name}(${parts.join(', ')})`;
}

/** FuncNameAsType: a one-argument call named like a type is a cast when no function matches exactly. */
function functionStyleCast(name: string, args: readonly CallArgument[]): SqlType | undefined {
  if (args.length !== 1 || args[0]?.name !== undefined) return undefined;
  const info = findTypeByName(name);
  if (info === undefined || info.kind === 'pseudo') return undefined;
  const source = (args[0] as CallArgument).type.oid;
  if (source === Oid.unknown) return sqlType(info.oid);
  const path = findCoercionPathway(source, info.oid, 'explicit');
  if (path.kind === 'relabel') return sqlType(info.oid);
  if (path.kind === 'io') {
    // Records to strings are not function-style casts (text(row) would be ambiguous).
    if (source === Oid.record && typeCategory(info.oid) === 'S') return undefined;
    return sqlType(info.oid);
  }
  return undefined;
}

/**
 * Resolves `name(args)` to a function, aggregate, window function or function-style cast, or
 * throws PostgreSQL's error: 42883 "function f(integer) does not exist" or 42725 "function
 * f(unknown) is not unique", with PostgreSQL's hints.
 */
export function resolveFunction(name: string, args: readonly CallArgument[], options: ResolveOptions = {}): ResolvedCall {
  const variadicKeyword = options.variadic === true;
  const inputs = args.map((a) => a.type.oid);
  const procs = procsNamed(name);
  const candidates = candidatesFor(procs, args, variadicKeyword);
  const exact = candidates.find((c) => c.argTypes.every((t, i) => t === inputs[i]));
  if (exact !== undefined) return bindCall(exact, args, variadicKeyword);
  const castTarget = functionStyleCast(name, args);
  if (castTarget !== undefined) return castCall(name, args[0] as CallArgument, castTarget);
  const matching = matchArgTypes(inputs, candidates);
  if (matching.length === 1) return bindCall(matching[0] as Candidate, args, variadicKeyword);
  if (matching.length > 1) {
    const chosen = selectCandidate(inputs, matching);
    if (chosen !== undefined) return bindCall(chosen, args, variadicKeyword);
    throw new PgError('42725', `function ${signature(name, args, variadicKeyword)} is not unique`, {
      hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
    });
  }
  const hint = procs.length > 0 && args.some((a) => a.name !== undefined) && candidates.length === 0
    ? 'No function matches the given name and argument types. You might need to add explicit type casts.'
    : 'No function matches the given name and argument types. You might need to add explicit type casts.';
  throw new PgError('42883', `function ${signature(name, args, variadicKeyword)} does not exist`, { hint });
}

/** Parses a default expression's text ("0", "true", "'use_json_null'::text", "0.0") as a value. */
function defaultValue(text: string, type: SqlType): Value {
  let literal = text.replace(/::[a-z_ ]+$/i, '').trim();
  if (/^'.*'$/s.test(literal)) literal = literal.slice(1, -1).replace(/''/g, "'");
  if (literal.toUpperCase() === 'NULL') return null;
  return parseValue(literal, type, defaultTypeContext());
}

function bindCall(candidate: Candidate, args: readonly CallArgument[], variadicKeyword: boolean): ResolvedCall {
  const { proc } = candidate;
  const inputs = args.map((a) => a.type.oid);
  const declared = candidate.argTypes;
  const resolution: PolymorphicResolution = resolvePolymorphicTypes(inputs, declared, proc.returnType);
  const targets = declared.map((d, i) => {
    if (d === Oid.any) return args[i]?.type as SqlType;
    const concrete = isPolymorphicType(d) ? concreteType(d, resolution) : d;
    // Arguments already of the parameter's type keep their typmod.
    return concrete === inputs[i] ? (args[i]?.type as SqlType) : sqlType(concrete);
  });
  const coercions = targets.map((target, i) => planCoercion((args[i] as CallArgument).type, target, 'implicit'));
  const returnType = sqlType(proc.returnType === Oid.record ? Oid.record : concreteType(proc.returnType, resolution));
  const paramTypes = proc.argTypes.map((d) => sqlType(isPolymorphicType(d) ? concreteType(d, resolution) : d));
  return makeCall({
    kind: proc.kind,
    name: proc.name,
    proc,
    targets,
    coercions,
    returnType,
    returnsSet: proc.returnsSet,
    strict: proc.strict,
    volatility: proc.volatility,
    outputColumns: proc.outputColumns,
    implKey: proc.implKey,
    ...(passesThrough(candidate, variadicKeyword)
      ? {}
      : { prepare: (values: readonly Value[]) => prepareArguments(candidate, values, targets, paramTypes, variadicKeyword) }),
  });
}

/** True when the arguments reach the implementation as the caller passes them. */
function passesThrough(candidate: Candidate, variadicKeyword: boolean): boolean {
  const { proc } = candidate;
  if (candidate.expandedVariadic) return isVariadicAny(proc);
  if (variadicKeyword && isVariadicAny(proc)) return false;
  return candidate.positions.length === proc.argTypes.length && candidate.positions.every((p, i) => p === i);
}

interface Prepared {
  readonly values: readonly Value[];
  readonly types: readonly SqlType[];
  /** True when the call's answer is NULL without running the function (a NULL VARIADIC array). */
  readonly nullResult: boolean;
}

/** Puts coerced arguments in parameter order, adds defaults, packs or spreads VARIADIC. */
function prepareArguments(
  candidate: Candidate,
  values: readonly Value[],
  targets: readonly SqlType[],
  paramTypes: readonly SqlType[],
  variadicKeyword: boolean,
): Prepared {
  const { proc } = candidate;
  const nparams = proc.argTypes.length;
  if (candidate.expandedVariadic) {
    if (isVariadicAny(proc)) return { values, types: targets, nullResult: false };
    const fixed = values.slice(0, nparams - 1);
    const packed = SqlArray.of(proc.variadicType, values.slice(nparams - 1));
    return { values: [...fixed, packed], types: [...targets.slice(0, nparams - 1), paramTypes[nparams - 1] as SqlType], nullResult: false };
  }
  if (variadicKeyword && isVariadicAny(proc)) {
    const array = values[values.length - 1];
    if (array === null || array === undefined) return { values, types: targets, nullResult: true };
    const arrayType = targets[targets.length - 1] as SqlType;
    const elementType = sqlType((array as SqlArray).elementType || elementTypeOf(arrayType.oid));
    const spread = (array as SqlArray).elements;
    return {
      values: [...values.slice(0, -1), ...spread],
      types: [...targets.slice(0, -1), ...spread.map(() => elementType)],
      nullResult: false,
    };
  }
  const ordered: Value[] = new Array<Value>(nparams).fill(null);
  const types: SqlType[] = [...paramTypes];
  const given = new Set<number>();
  candidate.positions.forEach((p, i) => {
    ordered[p] = values[i] as Value;
    types[p] = targets[i] as SqlType;
    given.add(p);
  });
  const firstDefault = nparams - proc.defaults.length;
  for (let p = 0; p < nparams; p++) {
    if (given.has(p)) continue;
    assert(p >= firstDefault, `parameter ${p} of ${proc.name} has no default`);
    ordered[p] = defaultValue(proc.defaults[p - firstDefault] as string, paramTypes[p] as SqlType);
  }
  return { values: ordered, types, nullResult: false };
}

interface CallParts {
  readonly kind: ResolvedCall['kind'];
  readonly name: string;
  readonly proc?: ProcDef;
  readonly operator?: OperatorDef;
  readonly targets: readonly SqlType[];
  readonly coercions: readonly CastPlan[];
  readonly returnType: SqlType;
  readonly returnsSet: boolean;
  readonly strict: boolean;
  readonly volatility: Volatility;
  readonly outputColumns: readonly OutputColumn[];
  readonly implKey: string;
  readonly scalar?: ScalarImpl;
  /** Reorders, completes or packs the arguments; absent when they pass as they are. */
  readonly prepare?: (values: readonly Value[]) => Prepared;
}

function makeCall(parts: CallParts): ResolvedCall {
  const { implKey, strict, returnType } = parts;
  const what = parts.operator !== undefined
    ? `operator ${parts.operator.name} on ${parts.targets.map((t) => typeName(t.oid)).join(' and ')}`
    : `function ${parts.name}(${parts.targets.map((t) => typeName(t.oid)).join(', ')})`;
  let scalar: ScalarImpl | undefined | null = parts.scalar;
  let set: SetImpl | undefined | null;
  const prepare = parts.prepare;
  // The Call of the last context, reused: a statement calls with one context for all its rows.
  let lastCtx: EvalContext | undefined;
  let lastCall: Call | undefined;
  const directCall = (ctx: EvalContext): Call => {
    if (ctx !== lastCtx || lastCall === undefined) {
      lastCtx = ctx;
      lastCall = { ctx, argTypes: parts.targets, returnType };
    }
    return lastCall;
  };
  const hasNull = (values: readonly Value[]): boolean => {
    for (const v of values) if (v === null) return true;
    return false;
  };
  return {
    kind: parts.kind,
    name: parts.name,
    ...(parts.proc === undefined ? {} : { proc: parts.proc }),
    ...(parts.operator === undefined ? {} : { operator: parts.operator }),
    argTargets: parts.targets,
    argCoercions: parts.coercions,
    returnType,
    returnsSet: parts.returnsSet,
    strict,
    volatility: parts.volatility,
    outputColumns: parts.outputColumns,
    invoke(args, ctx) {
      scalar ??= scalarImplementation(implKey) ?? null;
      if (prepare === undefined) {
        if (strict && hasNull(args)) return null;
        if (scalar === null) throw notImplemented(what);
        return scalar(asArgs(args), directCall(ctx));
      }
      const prepared = prepare(args);
      if (prepared.nullResult) return null;
      if (strict && hasNull(prepared.values)) return null;
      if (scalar === null) throw notImplemented(what);
      return scalar(asArgs(prepared.values), { ctx, argTypes: prepared.types, returnType });
    },
    invokeSet(args, ctx) {
      const prepared = prepare === undefined ? { values: args, types: parts.targets, nullResult: false } : prepare(args);
      if (prepared.nullResult) return [];
      if (strict && hasNull(prepared.values)) return [];
      set ??= setImplementation(implKey) ?? null;
      if (set === null) throw notImplemented(what);
      return set(asArgs(prepared.values), { ctx, argTypes: prepared.types, returnType });
    },
    createAggregate() {
      const aggregate = aggregateImplementation(implKey, parts.targets, returnType);
      if (aggregate === undefined) throw notImplemented(`aggregate ${what.replace(/^function /, '')}`);
      return aggregate;
    },
    createWindow() {
      const window = windowImplementation(implKey, parts.targets, returnType);
      if (window === undefined) throw notImplemented(`window ${what}`);
      return window;
    },
  };
}

function castCall(name: string, arg: CallArgument, target: SqlType): ResolvedCall {
  const coercion = planCoercion(arg.type, target, 'explicit');
  return makeCall({
    kind: 'cast',
    name,
    targets: [target],
    coercions: [coercion],
    returnType: target,
    returnsSet: false,
    strict: true,
    volatility: 'stable',
    outputColumns: [],
    implKey: '',
    scalar: ([v]) => v as Value,
  });
}

// ---------------------------------------------------------------------------------------------
// operators

function operatorSignature(name: string, left: SqlType | undefined, right: SqlType): string {
  return left === undefined ? `${name} ${typeName(right.oid)}` : `${typeName(left.oid)} ${name} ${typeName(right.oid)}`;
}

/**
 * Resolves `left name right` (or prefix `name right` when left is undefined) to an operator, or
 * throws 42883 "operator does not exist: integer + text" / 42725 "operator is not unique".
 */
export function resolveOperator(name: string, left: SqlType | undefined, right: SqlType): ResolvedCall {
  const all = operatorsNamed(name).filter((o) => (left === undefined ? o.kind === 'prefix' : o.kind === 'binary'));
  const inputs = left === undefined ? [right.oid] : [left.oid, right.oid];
  const candidates = all.map((operator) => ({ operator, argTypes: left === undefined ? [operator.right] : [operator.left, operator.right] }));
  // binary_oper_exact: an unknown side is assumed to have the other side's type.
  let probe = inputs;
  if (left !== undefined) {
    if (inputs[0] === Oid.unknown && inputs[1] !== Oid.unknown) probe = [inputs[1] as TypeOid, inputs[1] as TypeOid];
    else if (inputs[1] === Oid.unknown && inputs[0] !== Oid.unknown) probe = [inputs[0] as TypeOid, inputs[0] as TypeOid];
  }
  let chosen = candidates.find((c) => c.argTypes.every((t, i) => t === probe[i]));
  if (chosen === undefined) {
    const matching = matchArgTypes(inputs, candidates);
    if (matching.length === 1) chosen = matching[0];
    else if (matching.length > 1) {
      chosen = selectCandidate(inputs, matching);
      if (chosen === undefined) {
        throw new PgError('42725', `operator is not unique: ${operatorSignature(name, left, right)}`, {
          hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
        });
      }
    }
  }
  if (chosen === undefined) {
    throw new PgError('42883', `operator does not exist: ${operatorSignature(name, left, right)}`, {
      hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  return bindOperator(chosen.operator, left === undefined ? [right] : [left, right]);
}

function bindOperator(operator: OperatorDef, args: readonly SqlType[]): ResolvedCall {
  const declared = operator.kind === 'prefix' ? [operator.right] : [operator.left, operator.right];
  const inputs = args.map((a) => a.oid);
  const resolution = resolvePolymorphicTypes(inputs, declared, operator.result);
  const targets = declared.map((d, i) => {
    const concrete = isPolymorphicType(d) ? concreteType(d, resolution) : d;
    return concrete === inputs[i] ? (args[i] as SqlType) : sqlType(concrete);
  });
  const coercions = targets.map((t, i) => planCoercion(args[i] as SqlType, t, 'implicit'));
  const returnType = sqlType(concreteType(operator.result, resolution));
  const scalar = operator.result === Oid.bool ? comparisonImpl(operator.name, targets[0]?.oid ?? 0, targets[1]?.oid ?? 0) : undefined;
  return makeCall({
    kind: 'operator',
    name: operator.name,
    operator,
    targets,
    coercions,
    returnType,
    returnsSet: false,
    strict: operator.strict,
    volatility: operator.volatility,
    outputColumns: [],
    implKey: operator.implKey,
    ...(scalar === undefined ? {} : { scalar }),
  });
}

/** The type a function-style name refers to, for callers that need to know (e.g. `int4(x)`). */
export function isTypeName(name: string): boolean {
  const info = findTypeByName(name);
  return info !== undefined && findType(info.oid)?.kind !== 'pseudo';
}
