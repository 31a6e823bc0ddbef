/**
 * Polymorphic argument resolution (manual 38.2.5 and parse_coerce.c): the anyelement family
 * (anyelement, anyarray, anynonarray), whose arguments must agree on one element type, and the
 * anycompatible family, whose arguments are cast to their common type.
 */
import { PgError } from '../errors/pg-error.js';
import { selectCommonTypeOid } from './common-type.js';
import { Oid, type TypeOid } from './oids.js';
import { arrayTypeOf, elementTypeOf, isArrayType } from './type-registry.js';
import { typeName } from './typmod.js';

const elementFamily = (t: TypeOid): boolean => t === Oid.anyelement || t === Oid.anynonarray;
const compatibleFamily = (t: TypeOid): boolean => t === Oid.anycompatible || t === Oid.anycompatiblenonarray;

interface Collected {
  elementTypes: TypeOid[];
  arrayTypes: TypeOid[];
  compatibleTypes: TypeOid[];
  compatibleArrayTypes: TypeOid[];
  hasNonArray: boolean;
  hasCompatibleNonArray: boolean;
  hasCompatible: boolean;
  hasCompatibleArray: boolean;
  hasElementFamily: boolean;
}

function collect(actual: readonly TypeOid[], declared: readonly TypeOid[]): Collected {
  const c: Collected = {
    elementTypes: [], arrayTypes: [], compatibleTypes: [], compatibleArrayTypes: [],
    hasNonArray: false, hasCompatibleNonArray: false, hasCompatible: false, hasCompatibleArray: false, hasElementFamily: false,
  };
  for (let i = 0; i < declared.length; i++) {
    const d = declared[i] as TypeOid;
    const a = actual[i] as TypeOid;
    if (elementFamily(d)) {
      c.hasElementFamily = true;
      if (d === Oid.anynonarray) c.hasNonArray = true;
      if (a !== Oid.unknown) c.elementTypes.push(a);
    } else if (d === Oid.anyarray) {
      c.hasElementFamily = true;
      if (a !== Oid.unknown) c.arrayTypes.push(a);
    } else if (compatibleFamily(d)) {
      c.hasCompatible = true;
      if (d === Oid.anycompatiblenonarray) c.hasCompatibleNonArray = true;
      if (a !== Oid.unknown) c.compatibleTypes.push(a);
    } else if (d === Oid.anycompatiblearray) {
      c.hasCompatible = true;
      c.hasCompatibleArray = true;
      if (a !== Oid.unknown) c.compatibleArrayTypes.push(a);
    }
  }
  return c;
}

const declaredName = (oid: TypeOid): string => `"${typeName(oid)}"`;

/** The resolved types of a call's polymorphic families, or the reason they do not resolve. */
export interface PolymorphicResolution {
  /** The type anyelement stands for (0 when the call has no such argument). */
  readonly element: TypeOid;
  /** The type anycompatible stands for (0 when the call has no such argument). */
  readonly compatible: TypeOid;
}

type Outcome = { ok: true; resolution: PolymorphicResolution } | { ok: false; error: PgError };

function resolve(actual: readonly TypeOid[], declared: readonly TypeOid[], returnType: TypeOid): Outcome {
  const c = collect(actual, declared);
  const mismatch = (message: string, detail?: string): Outcome => ({
    ok: false, error: new PgError('42804', message, detail === undefined ? {} : { detail }),
  });
  let element: TypeOid = 0;
  for (const t of c.elementTypes) {
    if (element !== 0 && t !== element) return mismatch('arguments declared "anyelement" are not all alike', `${typeName(element)} versus ${typeName(t)}`);
    element = t;
  }
  let array: TypeOid = 0;
  for (const t of c.arrayTypes) {
    if (array !== 0 && t !== array) return mismatch('arguments declared "anyarray" are not all alike', `${typeName(array)} versus ${typeName(t)}`);
    array = t;
  }
  if (array !== 0) {
    const arrayElement = isArrayType(array) ? elementTypeOf(array) : 0;
    if (arrayElement === 0) return mismatch(`argument declared ${declaredName(Oid.anyarray)} is not an array but type ${typeName(array)}`);
    if (element === 0) element = arrayElement;
    else if (element !== arrayElement) {
      return mismatch(`argument declared ${declaredName(Oid.anyarray)} is not consistent with argument declared ${declaredName(Oid.anyelement)}`,
        `${typeName(array)} versus ${typeName(element)}`);
    }
  }
  if (c.hasElementFamily && element === 0) {
    const needsElement = returnType === Oid.anyelement || returnType === Oid.anyarray || returnType === Oid.anynonarray;
    if (needsElement || c.elementTypes.length + c.arrayTypes.length === 0) {
      return mismatch('could not determine polymorphic type because input has type unknown');
    }
  }
  if (c.hasNonArray && element !== 0 && isArrayType(element)) {
    return mismatch(`type matched to anynonarray is an array type: ${typeName(element)}`);
  }
  let compatible: TypeOid = 0;
  if (c.hasCompatible) {
    const candidates = [...c.compatibleTypes];
    for (const t of c.compatibleArrayTypes) {
      const e = isArrayType(t) ? elementTypeOf(t) : 0;
      if (e === 0) return mismatch(`argument declared ${declaredName(Oid.anycompatiblearray)} is not an array but type ${typeName(t)}`);
      candidates.push(e);
    }
    if (candidates.length === 0) {
      compatible = Oid.text;
    } else {
      const common = selectCommonTypeOid(candidates);
      if (common === undefined) return mismatch('arguments of anycompatible family cannot be cast to a common type');
      compatible = common;
    }
    if (c.hasCompatibleArray && arrayTypeOf(compatible) === 0) {
      return { ok: false, error: new PgError('42704', `could not find array type for data type ${typeName(compatible)}`) };
    }
    if (c.hasCompatibleNonArray && isArrayType(compatible)) {
      return mismatch(`type matched to anycompatiblenonarray is an array type: ${typeName(compatible)}`);
    }
  }
  return { ok: true, resolution: { element, compatible } };
}

/** check_generic_type_consistency: whether the polymorphic arguments can agree. */
export function checkGenericTypeConsistency(actual: readonly TypeOid[], declared: readonly TypeOid[]): boolean {
  const c = collect(actual, declared);
  if (c.hasElementFamily && c.elementTypes.length + c.arrayTypes.length === 0) {
    // Only unknown inputs: consistent for now; enforce_generic_type_consistency decides.
    return true;
  }
  const outcome = resolve(actual, declared, 0);
  if (!outcome.ok) {
    // The anycompatible family may still pass when only coercion, not identity, is missing.
    return false;
  }
  return true;
}

/** enforce_generic_type_consistency: the types polymorphic arguments stand for, or its error. */
export function resolvePolymorphicTypes(actual: readonly TypeOid[], declared: readonly TypeOid[], returnType: TypeOid): PolymorphicResolution {
  const outcome = resolve(actual, declared, returnType);
  if (!outcome.ok) throw outcome.error;
  return outcome.resolution;
}

/** The concrete type a declared (possibly polymorphic) type stands for in a resolved call. */
export function concreteType(declared: TypeOid, resolution: PolymorphicResolution): TypeOid {
  switch (declared) {
    case Oid.anyelement:
    case Oid.anynonarray:
      return resolution.element;
    case Oid.anyarray:
      return arrayTypeOf(resolution.element);
    case Oid.anycompatible:
    case Oid.anycompatiblenonarray:
      return resolution.compatible;
    case Oid.anycompatiblearray:
      return arrayTypeOf(resolution.compatible);
    default:
      return declared;
  }
}
