/**
 * Function and operator resolution through the public API, and the completeness of the
 * implementations behind PostgreSQL's catalog rows.
 */
import { describe, expect, it } from 'vitest';
import { PgError } from '../errors/pg-error.js';
import { Oid } from '../types/oids.js';
import { sqlType, T } from '../types/sql-type.js';
import { formatValue } from '../types/io/value-io.js';
import type { Value } from '../types/value.js';
import { allOperators, allProcs } from './catalog.js';
import { fixedEvalContext } from './eval-context.js';
import { aggregateImplementation, comparisonImpl, scalarImplementation, setImplementation, windowImplementation } from './implementations.js';
import { resolveFunction, resolveOperator } from './resolve.js';

const ctx = fixedEvalContext();

/** Coerces and calls, as the executor does. */
function call(resolved: ReturnType<typeof resolveFunction>, args: Value[]): Value {
  return resolved.invoke(args.map((a, i) => resolved.argCoercions[i]!.apply(a, ctx)), ctx);
}

describe('function resolution', () => {
  it('prefers the exact match, then the preferred type of the category (manual 10.3 step 4)', () => {
    expect(resolveFunction('round', [{ type: T.numeric }]).returnType).toEqual(T.numeric);
    // round(integer): int4 coerces implicitly to numeric and float8; float8 is the preferred numeric type.
    expect(resolveFunction('round', [{ type: T.int4 }]).returnType).toEqual(T.float8);
    expect(resolveFunction('abs', [{ type: T.int2 }]).returnType).toEqual(T.int2);
  });

  it('reports missing and ambiguous functions with PostgreSQL\'s messages and hints', () => {
    const missing = (() => { try { resolveFunction('foo', [{ type: T.int4 }]); } catch (e) { return e; } })() as PgError;
    expect(missing.code).toBe('42883');
    expect(missing.message).toBe('function foo(integer) does not exist');
    expect(missing.hint).toBe('No function matches the given name and argument types. You might need to add explicit type casts.');
    expect(() => resolveOperator('+', T.int4, T.text)).toThrow('operator does not exist: integer + text');
    expect(() => resolveOperator('+', T.unknown, T.unknown)).toThrow('operator is not unique: unknown + unknown');
    expect(resolveOperator('||', T.unknown, T.unknown).returnType).toEqual(T.text);
  });

  it('fills defaults and binds named arguments', () => {
    const resolved = resolveFunction('make_interval', [{ type: T.int4, name: 'days' }]);
    expect(formatValue(call(resolved, [10]) as Value, T.interval, ctx)).toBe('10 days');
    expect(() => resolveFunction('make_interval', [{ type: T.int4, name: 'nope' }])).toThrow('function make_interval(nope => integer) does not exist');
  });

  it('packs VARIADIC arguments, or takes the array as given after the VARIADIC keyword', () => {
    const expanded = resolveFunction('concat_ws', [{ type: T.text }, { type: T.int4 }, { type: T.unknown }]);
    expect(call(expanded, [',', 1, 'a'])).toBe('1,a');
    const extract = resolveFunction('jsonb_extract_path_text', [{ type: T.jsonb }, { type: T.textArray }], { variadic: true });
    expect(extract.argTargets[1]).toEqual(T.textArray);
  });

  it('treats a one-argument call named like a type as a cast when no function matches exactly', () => {
    const resolved = resolveFunction('text', [{ type: T.int4 }]);
    expect(resolved.kind).toBe('cast');
    expect(call(resolved, [12])).toBe('12');
    expect(resolveFunction('int4', [{ type: T.numeric }]).kind).toBe('function');
  });

  it('resolves polymorphic results', () => {
    expect(resolveFunction('array_append', [{ type: sqlType(Oid.int4Array) }, { type: T.numeric }]).returnType).toEqual(sqlType(Oid.numericArray));
    expect(resolveFunction('unnest', [{ type: sqlType(Oid.textArray) }]).returnType).toEqual(T.text);
    expect(resolveFunction('count', []).kind).toBe('aggregate');
    expect(resolveFunction('rank', []).kind).toBe('window');
  });

  it('returns NULL for strict functions given NULL, without calling them', () => {
    expect(call(resolveFunction('abs', [{ type: T.int4 }]), [null])).toBe(null);
    expect(call(resolveFunction('concat', [{ type: T.int4 }, { type: T.unknown }]), [null, 'a'])).toBe('a');
  });
});

/** Catalog entries Tessera knowingly leaves unimplemented; calling one answers 0A000. */
const unimplemented = new Set(['record_image_eq', 'record_image_ne', 'record_image_lt', 'record_image_gt', 'record_image_le', 'record_image_ge']);

describe('the catalog', () => {
  it('has an implementation behind every function, aggregate, window function and operator', () => {
    const missing: string[] = [];
    for (const proc of allProcs()) {
      const found = proc.kind === 'aggregate' ? aggregateImplementation(proc.implKey, [T.int4], T.int4)
        : proc.kind === 'window' ? windowImplementation(proc.implKey, [T.int4], T.int4)
        : proc.returnsSet ? setImplementation(proc.implKey) : scalarImplementation(proc.implKey);
      if (found === undefined) missing.push(`${proc.name}: ${proc.implKey}`);
    }
    for (const operator of allOperators()) {
      if (unimplemented.has(operator.implKey)) continue;
      if (scalarImplementation(operator.implKey) === undefined && comparisonImpl(operator.name) === undefined) missing.push(`${operator.name}: ${operator.implKey}`);
    }
    expect(missing).toEqual([]);
  });

  it('answers 0A000 naming the operator for the unimplemented entries', () => {
    const resolved = resolveOperator('*=', T.record, T.record);
    expect(() => resolved.invoke([null, null], ctx)).not.toThrow();
    expect(() => resolved.invoke(['x' as Value, 'y' as Value], ctx)).toThrow(PgError);
  });
});
