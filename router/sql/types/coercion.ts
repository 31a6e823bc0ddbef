/**
 * Type coercion as PostgreSQL decides and performs it (parse_coerce.c; manual chapter 10): which
 * conversions exist between two types in which context (pg_cast, array coercion, and the
 * automatic I/O conversions to and from string types), and the plan that carries a value across:
 * the conversion, then the target's type modifier (length coercion).
 */
import { assert } from '../../../common/assert.js';
import { PgError } from '../errors/pg-error.js';
import { conversions } from './conversions.js';
import { formatValue, parseValue } from './io/value-io.js';
import { Oid, type TypeOid } from './oids.js';
import { pgCastRows } from './pg-cast.gen.js';
import { checkGenericTypeConsistency } from './polymorphic.js';
import { sqlType, type SqlType } from './sql-type.js';
import type { TypeContext } from './type-context.js';
import { elementTypeOf, findType, isArrayType, isPolymorphicType, typeCategory } from './type-registry.js';
import { formatType } from './typmod.js';
import { SqlArray, type Value } from './value.js';

/** PostgreSQL's CoercionContext, in increasing order of permissiveness. */
export type CoercionContext = 'implicit' | 'assignment' | 'explicit';

const contextRank: Record<CoercionContext, number> = { implicit: 0, assignment: 1, explicit: 2 };
const castContextOf: Record<string, CoercionContext> = { i: 'implicit', a: 'assignment', e: 'explicit' };

export type CoercionPath =
  | { readonly kind: 'none' }
  /** Binary-coercible: the value is unchanged (varchar to text, int4 to oid). */
  | { readonly kind: 'relabel' }
  | { readonly kind: 'function'; readonly key: string }
  /** Through the source's output and the target's input functions. */
  | { readonly kind: 'io' }
  | { readonly kind: 'array'; readonly element: CoercionPath };

interface CastRow {
  readonly key: string;
  readonly context: CoercionContext;
  readonly method: 'f' | 'i' | 'b';
}

const castRows = new Map<string, CastRow>();
for (const [source, target, key, context, method] of pgCastRows) {
  castRows.set(`${source}:${target}`, { key, context: castContextOf[context] as CoercionContext, method: method as 'f' | 'i' | 'b' });
}

/** The pg_cast entry from source to target, whatever its context. */
export function findCast(source: TypeOid, target: TypeOid): CastRow | undefined {
  return castRows.get(`${source}:${target}`);
}

/** find_coercion_pathway: how a value of `source` becomes a `target` in `context`, if it can. */
export function findCoercionPathway(source: TypeOid, target: TypeOid, context: CoercionContext): CoercionPath {
  if (source === target) return { kind: 'relabel' };
  const row = findCast(source, target);
  if (row !== undefined) {
    if (contextRank[context] < contextRank[row.context]) return { kind: 'none' };
    if (row.method === 'b') return { kind: 'relabel' };
    if (row.method === 'i') return { kind: 'io' };
    return { kind: 'function', key: row.key };
  }
  if (target !== Oid.oidvector && target !== Oid.int2vector && isArrayType(source) && isArrayType(target)) {
    const element = findCoercionPathway(elementTypeOf(source), elementTypeOf(target), context);
    if (element.kind !== 'none') return { kind: 'array', element };
  }
  // "Automatic I/O conversion casts ... to string types are treated as assignment casts, while
  // I/O conversion casts from string types are explicit-only" (manual, CREATE CAST).
  if (contextRank[context] >= contextRank.assignment && typeCategory(target) === 'S') return { kind: 'io' };
  if (contextRank[context] >= contextRank.explicit && typeCategory(source) === 'S') return { kind: 'io' };
  return { kind: 'none' };
}

/**
 * can_coerce_type: whether each input type can become its target in `context`. Unknown
 * literals coerce to anything, "any" accepts anything, and polymorphic targets need the inputs
 * to agree (check_generic_type_consistency).
 */
export function canCoerceTypes(inputs: readonly TypeOid[], targets: readonly TypeOid[], context: CoercionContext): boolean {
  let polymorphic = false;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i] as TypeOid;
    const target = targets[i] as TypeOid;
    if (input === target || target === Oid.any) continue;
    if (isPolymorphicType(target)) {
      polymorphic = true;
      continue;
    }
    if (input === Oid.unknown) continue;
    if (findCoercionPathway(input, target, context).kind !== 'none') continue;
    if (target === Oid.record && input === Oid.record) continue;
    return false;
  }
  return !polymorphic || checkGenericTypeConsistency(inputs, targets);
}

export function canCoerce(input: TypeOid, target: TypeOid, context: CoercionContext): boolean {
  return canCoerceTypes([input], [target], context);
}

/** A value's journey from one type to another, prepared once and applied to many values. */
export interface CastPlan {
  readonly source: SqlType;
  readonly target: SqlType;
  /** True when values pass unchanged (no conversion, no typmod to apply). */
  readonly isNoop: boolean;
  apply(value: Value, ctx: TypeContext): Value;
}

function cannotCast(source: SqlType, target: SqlType): PgError {
  return new PgError('42846', `cannot cast type ${formatType({ oid: source.oid, typmod: -1 })} to ${formatType(target)}`);
}

type Step = (value: Value, ctx: TypeContext) => Value;

function pathStep(path: CoercionPath, source: TypeOid, target: TypeOid, explicit: boolean): Step | undefined {
  switch (path.kind) {
    case 'none':
      assert(false, 'pathStep of no path');
      return undefined;
    case 'relabel':
      if (isArrayType(target) && source !== target) {
        const elementOid = elementTypeOf(target);
        return (v) => (v instanceof SqlArray ? new SqlArray(elementOid, v.elements, v.dims, v.lowerBounds) : v);
      }
      return undefined;
    case 'function': {
      const conversion = conversions[path.key];
      if (conversion === undefined) {
        return () => {
          throw new PgError('0A000', `cast from ${formatType({ oid: source, typmod: -1 })} to ${formatType({ oid: target, typmod: -1 })} is not supported`);
        };
      }
      return (v, ctx) => conversion(v, ctx, -1, explicit);
    }
    case 'io': {
      const from = sqlType(source);
      const to = sqlType(target);
      return (v, ctx) => parseValue(formatValue(v, from, ctx), to, ctx);
    }
    case 'array': {
      const targetElement = elementTypeOf(target);
      const element = pathStep(path.element, elementTypeOf(source), targetElement, explicit);
      return (v, ctx) => {
        const array = v as SqlArray;
        const elements = element === undefined ? array.elements : array.elements.map((e) => (e === null ? null : element(e, ctx)));
        return new SqlArray(targetElement, elements, array.dims, array.lowerBounds);
      };
    }
  }
}

/** The length coercion of a type with a typmod (varchar(n), numeric(p,s), timestamp(p)...). */
function typmodStep(target: SqlType, explicit: boolean): Step | undefined {
  if (target.typmod < 0) return undefined;
  const oid = isArrayType(target.oid) ? elementTypeOf(target.oid) : target.oid;
  const row = findCast(oid, oid);
  if (row === undefined || row.method !== 'f') return undefined;
  const conversion = conversions[row.key];
  assert(conversion !== undefined, `no length coercion ${row.key}`);
  const typmod = target.typmod;
  const scalar: Step = (v, ctx) => conversion(v, ctx, typmod, explicit);
  if (oid === target.oid) return scalar;
  return (v, ctx) => {
    const array = v as SqlArray;
    return new SqlArray(array.elementType, array.elements.map((e) => (e === null ? null : scalar(e, ctx))), array.dims, array.lowerBounds);
  };
}

/**
 * Plans a coercion of values of `source` to `target` in `context`, as coerce_type plus
 * coerce_type_typmod do; an unknown-type literal goes through the target's input function.
 * Throws 42846 ("cannot cast type x to y") when there is no way.
 */
export function planCoercion(source: SqlType, target: SqlType, context: CoercionContext): CastPlan {
  const explicit = context === 'explicit';
  const steps: Step[] = [];
  if (source.oid === Oid.unknown && target.oid !== Oid.unknown) {
    // Input functions get typmod -1, except interval's, which needs its fields to read the text
    // ("'1' :: interval day" is one day); the length coercion below applies the rest.
    const inputType = target.oid === Oid.interval ? target : sqlType(target.oid);
    if (findType(target.oid)?.kind === 'pseudo' && target.oid !== Oid.record) {
      if (target.oid !== Oid.any && target.oid !== Oid.anyelement && target.oid !== Oid.anycompatible) throw cannotCast(source, target);
    } else {
      steps.push((v, ctx) => parseValue(v as string, inputType, ctx));
    }
  } else if (source.oid !== target.oid) {
    const path = findCoercionPathway(source.oid, target.oid, context);
    if (path.kind === 'none') {
      if (!(target.oid === Oid.any || (isPolymorphicType(target.oid)))) throw cannotCast(source, target);
    } else {
      const step = pathStep(path, source.oid, target.oid, explicit);
      if (step !== undefined) steps.push(step);
    }
  }
  if (target.typmod >= 0 && (target.typmod !== source.typmod || source.oid !== target.oid)) {
    const step = typmodStep(target, explicit);
    if (step !== undefined) steps.push(step);
  }
  return {
    source,
    target,
    isNoop: steps.length === 0,
    apply(value: Value, ctx: TypeContext): Value {
      let v = value;
      for (const step of steps) {
        if (v === null) return null;
        v = step(v, ctx);
      }
      return v;
    },
  };
}

/** Casts one value (planning the cast each time; plan once for many values). */
export function castValue(value: Value, source: SqlType, target: SqlType, context: CoercionContext, ctx: TypeContext): Value {
  return planCoercion(source, target, context).apply(value, ctx);
}
