/**
 * The built-in functions and operators as PostgreSQL's catalog describes them (pg-proc.gen.ts,
 * pg-operator.gen.ts), indexed by name for resolution.
 */
import { Oid, type TypeOid } from '../types/oids.js';
import { pgOperatorRows } from './pg-operator.gen.js';
import { pgProcRows } from './pg-proc.gen.js';

export type Volatility = 'immutable' | 'stable' | 'volatile';
const volatilityOf: Record<string, Volatility> = { i: 'immutable', s: 'stable', v: 'volatile' };

export interface OutputColumn {
  readonly name: string;
  readonly type: TypeOid;
}

/** One pg_proc row: a function, aggregate or window function signature. */
export interface ProcDef {
  readonly oid: number;
  readonly name: string;
  readonly kind: 'function' | 'aggregate' | 'window';
  readonly argTypes: readonly TypeOid[];
  readonly returnType: TypeOid;
  readonly returnsSet: boolean;
  /** The element type of a VARIADIC parameter ("any" for VARIADIC "any"), 0 when none. */
  readonly variadicType: TypeOid;
  /** Default values of the trailing parameters, as SQL literal texts. */
  readonly defaults: readonly string[];
  readonly volatility: Volatility;
  readonly strict: boolean;
  /** The key of the implementation: the C symbol, or `name(argtypes)` for SQL functions and aggregates. */
  readonly implKey: string;
  readonly argNames: readonly string[];
  /** The output columns of functions returning records (jsonb_each: key, value). */
  readonly outputColumns: readonly OutputColumn[];
}

/** One pg_operator row. */
export interface OperatorDef {
  readonly oid: number;
  readonly name: string;
  /** Binary (b) or prefix (l). */
  readonly kind: 'binary' | 'prefix';
  /** 0 for prefix operators. */
  readonly left: TypeOid;
  readonly right: TypeOid;
  readonly result: TypeOid;
  readonly procOid: number;
  readonly implKey: string;
  readonly volatility: Volatility;
  readonly strict: boolean;
  readonly commutatorOid: number;
  readonly negatorOid: number;
}

/** Splits proargdefaults' text ("0, 0, 0.0", "true, 'use_json_null'::text") into values. */
function splitDefaults(text: string): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of text) {
    if (c === "'") quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  out.push(current.trim());
  return out;
}

const procsByName = new Map<string, ProcDef[]>();
const procsByOid = new Map<number, ProcDef>();
for (const row of pgProcRows) {
  const [oid, name, kind, argTypes, returnType, returnsSet, variadic, , defaults, volatility, strict, implKey, argNames, allArgTypes, argModes] = row;
  const outputColumns: OutputColumn[] = [];
  argModes.forEach((mode, i) => {
    if (mode === 'o' || mode === 't') outputColumns.push({ name: argNames[i] ?? `column${i + 1}`, type: allArgTypes[i] as TypeOid });
  });
  const inputNames = argModes.length === 0 ? argNames : argNames.filter((_, i) => argModes[i] === 'i' || argModes[i] === 'b' || argModes[i] === 'v');
  const def: ProcDef = {
    oid, name,
    kind: kind === 'a' ? 'aggregate' : kind === 'w' ? 'window' : 'function',
    argTypes, returnType, returnsSet,
    variadicType: variadic,
    defaults: splitDefaults(defaults),
    volatility: volatilityOf[volatility] ?? 'volatile',
    strict, implKey,
    argNames: inputNames,
    outputColumns,
  };
  procsByOid.set(oid, def);
  const list = procsByName.get(name) ?? [];
  list.push(def);
  procsByName.set(name, list);
}

const operatorsByName = new Map<string, OperatorDef[]>();
const operatorsByOid = new Map<number, OperatorDef>();
for (const row of pgOperatorRows) {
  const [oid, name, kind, left, right, result, procOid, implKey, volatility, commutatorOid, negatorOid, strict] = row;
  const def: OperatorDef = {
    oid, name, kind: kind === 'l' ? 'prefix' : 'binary', left, right, result, procOid, implKey,
    volatility: volatilityOf[volatility] ?? 'volatile', strict, commutatorOid, negatorOid,
  };
  operatorsByOid.set(oid, def);
  const list = operatorsByName.get(name) ?? [];
  list.push(def);
  operatorsByName.set(name, list);
}

export function procsNamed(name: string): readonly ProcDef[] {
  return procsByName.get(name) ?? [];
}

export function procByOid(oid: number): ProcDef | undefined {
  return procsByOid.get(oid);
}

export function operatorsNamed(name: string): readonly OperatorDef[] {
  return operatorsByName.get(name) ?? [];
}

export function operatorByOid(oid: number): OperatorDef | undefined {
  return operatorsByOid.get(oid);
}

export function allProcs(): readonly ProcDef[] {
  return [...procsByOid.values()];
}

export function allOperators(): readonly OperatorDef[] {
  return [...operatorsByOid.values()];
}

/** True for a VARIADIC "any" function (concat, format, json_build_object...). */
export function isVariadicAny(proc: ProcDef): boolean {
  return proc.variadicType === Oid.any;
}
