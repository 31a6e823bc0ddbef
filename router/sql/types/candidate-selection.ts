/**
 * Choosing among overloaded functions and operators: func_match_argtypes and
 * func_select_candidate of PostgreSQL's parse_func.c, the algorithm of manual sections 10.2
 * (operators) and 10.3 (functions), step 4: keep the candidates the inputs can be implicitly
 * coerced to; then those with the most exact type matches; then those that accept preferred
 * types where coercion is needed; then resolve unknown-type inputs by type category (string
 * first); and last, assume unknown inputs have the type of the known ones.
 */
import { canCoerceTypes } from './coercion.js';
import { Oid, type TypeOid } from './oids.js';
import { isPreferredType, typeCategory, type TypeCategory } from './type-registry.js';

export interface Candidate {
  /** The declared argument types, already expanded for variadic and default arguments. */
  readonly argTypes: readonly TypeOid[];
}

/** func_match_argtypes: the candidates every input can be implicitly coerced to. */
export function matchArgTypes<C extends Candidate>(inputs: readonly TypeOid[], candidates: readonly C[]): C[] {
  return candidates.filter((c) => canCoerceTypes(inputs, c.argTypes, 'implicit'));
}

/** IsPreferredType: preferred within the given category (any category when undefined). */
function isPreferredIn(category: TypeCategory | undefined, oid: TypeOid): boolean {
  return isPreferredType(oid) && (category === undefined || typeCategory(oid) === category);
}

/** Keeps the candidates with the best score, or all of them when the best is... any score. */
function keepBest<C extends Candidate>(candidates: readonly C[], score: (c: C) => number): C[] {
  let best = -1;
  let kept: C[] = [];
  for (const c of candidates) {
    const s = score(c);
    if (s > best) {
      best = s;
      kept = [c];
    } else if (s === best) {
      kept.push(c);
    }
  }
  return kept;
}

/**
 * func_select_candidate: picks one of several candidates that all accept the inputs, or returns
 * undefined when the choice is ambiguous.
 */
export function selectCandidate<C extends Candidate>(inputs: readonly TypeOid[], candidates: readonly C[]): C | undefined {
  const nargs = inputs.length;
  // Keep those with the most exact matches on input types.
  let current = keepBest(candidates, (c) => {
    let n = 0;
    for (let i = 0; i < nargs; i++) if (inputs[i] !== Oid.unknown && c.argTypes[i] === inputs[i]) n++;
    return n;
  });
  if (current.length === 1) return current[0];

  // Keep those accepting preferred types (of the input's category) where coercion is needed.
  const slotCategory = inputs.map((t) => typeCategory(t));
  current = keepBest(current, (c) => {
    let n = 0;
    for (let i = 0; i < nargs; i++) {
      const input = inputs[i] as TypeOid;
      if (input === Oid.unknown) continue;
      const declared = c.argTypes[i] as TypeOid;
      if (declared === input || isPreferredIn(slotCategory[i], declared)) n++;
    }
    return n;
  });
  if (current.length === 1) return current[0];

  const unknowns = inputs.filter((t) => t === Oid.unknown).length;
  if (unknowns === 0) return undefined;

  // Resolve unknown inputs by the categories the candidates accept there: string if any
  // candidate takes a string, else the one category they all agree on.
  const resolved = resolveUnknownCategories(inputs, current);
  if (resolved !== undefined) {
    const kept = current.filter((c) => {
      for (let i = 0; i < nargs; i++) {
        if (inputs[i] !== Oid.unknown) continue;
        const declared = c.argTypes[i] as TypeOid;
        const slot = resolved[i] as { category: TypeCategory; hasPreferred: boolean };
        if (typeCategory(declared) !== slot.category) return false;
        if (slot.hasPreferred && !isPreferredType(declared)) return false;
      }
      return true;
    });
    if (kept.length > 0) current = kept;
    if (current.length === 1) return current[0];
  }

  // Last: with known and unknown inputs whose known types all agree, assume the unknowns have
  // that type too and look for a unique match.
  if (unknowns < nargs) {
    let known: TypeOid | undefined;
    for (const t of inputs) {
      if (t === Oid.unknown) continue;
      if (known === undefined) known = t;
      else if (known !== t) {
        known = undefined;
        break;
      }
    }
    if (known !== undefined) {
      const assumed = inputs.map(() => known as TypeOid);
      const matches = current.filter((c) => canCoerceTypes(assumed, c.argTypes, 'implicit'));
      if (matches.length === 1) return matches[0];
    }
  }
  return undefined;
}

function resolveUnknownCategories(
  inputs: readonly TypeOid[],
  candidates: readonly Candidate[],
): ({ category: TypeCategory; hasPreferred: boolean } | undefined)[] | undefined {
  const slots: ({ category: TypeCategory; hasPreferred: boolean } | undefined)[] = [];
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i] !== Oid.unknown) {
      slots.push(undefined);
      continue;
    }
    let category: TypeCategory | undefined;
    let hasPreferred = false;
    let conflict = false;
    for (const c of candidates) {
      const declared = c.argTypes[i] as TypeOid;
      const current = typeCategory(declared);
      const preferred = isPreferredType(declared);
      if (category === undefined) {
        category = current;
        hasPreferred = preferred;
      } else if (current === category) {
        hasPreferred ||= preferred;
      } else if (current === 'S') {
        // The string category always wins: unknown literals look like strings.
        category = current;
        hasPreferred = preferred;
      } else {
        conflict = true;
      }
    }
    if (conflict && category !== 'S') return undefined;
    slots.push({ category: category as TypeCategory, hasPreferred });
  }
  return slots;
}
