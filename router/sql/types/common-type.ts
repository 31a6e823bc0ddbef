/**
 * The common type of a set of expressions, for UNION, CASE, ARRAY[...], VALUES, COALESCE,
 * GREATEST/LEAST and the anycompatible family: select_common_type (manual 10.5, "UNION, CASE, and
 * Related Constructs").
 */
import { PgError } from '../errors/pg-error.js';
import { canCoerce } from './coercion.js';
import { Oid, type TypeOid } from './oids.js';
import { sqlType, type SqlType } from './sql-type.js';
import { isPreferredType, typeCategory } from './type-registry.js';
import { typeName } from './typmod.js';

interface Choice {
  readonly oid: TypeOid;
  /** The index of the input that failed to match, when the choice failed. */
  readonly conflict?: { readonly index: number; readonly first: TypeOid; readonly other: TypeOid };
}

function choose(types: readonly TypeOid[]): Choice {
  const first = types[0] ?? Oid.unknown;
  // "If all inputs are of the same type, and it is not unknown, resolve as that type."
  if (first !== Oid.unknown && types.every((t) => t === first)) return { oid: first };
  let chosen = first;
  let category = typeCategory(chosen);
  let preferred = isPreferredType(chosen);
  for (let i = 1; i < types.length; i++) {
    const next = types[i] as TypeOid;
    if (next === Oid.unknown || next === chosen) continue;
    if (chosen === Oid.unknown) {
      chosen = next;
      category = typeCategory(next);
      preferred = isPreferredType(next);
      continue;
    }
    const nextCategory = typeCategory(next);
    // "If the non-unknown inputs are not all of the same type category, fail."
    if (nextCategory !== category) return { oid: chosen, conflict: { index: i, first: chosen, other: next } };
    // "If the candidate type can be implicitly converted to the other type, but not vice-versa,
    // select the other type" — but a preferred candidate stays.
    if (!preferred && canCoerce(chosen, next, 'implicit') && !canCoerce(next, chosen, 'implicit')) {
      chosen = next;
      category = nextCategory;
      preferred = isPreferredType(next);
    }
  }
  // "If all inputs are of type unknown, resolve as type text."
  return { oid: chosen === Oid.unknown ? Oid.text : chosen };
}

/** select_common_type_from_oids without errors: the common type, or undefined. */
export function selectCommonTypeOid(types: readonly TypeOid[]): TypeOid | undefined {
  const choice = choose(types);
  if (choice.conflict !== undefined) return undefined;
  // verify_common_type: every input must coerce implicitly to the choice.
  return types.every((t) => canCoerce(t, choice.oid, 'implicit')) ? choice.oid : undefined;
}

/**
 * select_common_type plus select_common_typmod. `construct` names the SQL construct for the
 * error ("UNION", "CASE", "ARRAY", "VALUES", "COALESCE", "GREATEST"...): "CASE types text and
 * integer cannot be matched" (42804), as PostgreSQL words it. Inputs must be in PostgreSQL's
 * order for the construct (CASE puts the ELSE result first).
 */
export function selectCommonType(types: readonly SqlType[], construct: string): SqlType {
  if (types.length === 0) return sqlType(Oid.text);
  const choice = choose(types.map((t) => t.oid));
  if (choice.conflict !== undefined) {
    throw new PgError('42804', `${construct} types ${typeName(choice.conflict.first)} and ${typeName(choice.conflict.other)} cannot be matched`);
  }
  // select_common_typmod: keep a typmod only when every input of the chosen type shares it.
  let typmod: number | undefined;
  for (const t of types) {
    if (t.oid === Oid.unknown) continue;
    if (t.oid !== choice.oid) {
      typmod = -1;
      break;
    }
    if (typmod === undefined) typmod = t.typmod;
    else if (typmod !== t.typmod) {
      typmod = -1;
      break;
    }
  }
  return sqlType(choice.oid, typmod ?? -1);
}

/**
 * coerce_to_common_type's check: each input must implicitly coerce to the common type,
 * else "%s could not convert type %s to %s" (42846).
 */
export function checkCoercibleToCommon(types: readonly SqlType[], common: SqlType, construct: string): void {
  for (const t of types) {
    if (!canCoerce(t.oid, common.oid, 'implicit')) {
      throw new PgError('42846', `${construct} could not convert type ${typeName(t.oid)} to ${typeName(common.oid)}`);
    }
  }
}
