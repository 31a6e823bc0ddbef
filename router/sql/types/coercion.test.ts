/**
 * Coercion rules of manual chapter 10: pg_cast contexts, automatic I/O conversion to and from
 * strings, array coercion, common types and polymorphic resolution.
 */
import { describe, expect, it } from 'vitest';
import { canCoerce, castValue, findCoercionPathway } from './coercion.js';
import { selectCommonType } from './common-type.js';
import { Oid } from './oids.js';
import { resolvePolymorphicTypes } from './polymorphic.js';
import { sqlType, T } from './sql-type.js';
import { defaultTypeContext } from './type-context.js';
import { VARHDRSZ } from './typmod.js';
import { SqlArray } from './value.js';

const ctx = defaultTypeContext();

describe('coercion contexts', () => {
  it('follow pg_cast: int4 to int8 is implicit, int8 to int4 assignment, bool to int4 explicit', () => {
    expect(canCoerce(Oid.int4, Oid.int8, 'implicit')).toBe(true);
    expect(canCoerce(Oid.int8, Oid.int4, 'implicit')).toBe(false);
    expect(canCoerce(Oid.int8, Oid.int4, 'assignment')).toBe(true);
    expect(canCoerce(Oid.bool, Oid.int4, 'assignment')).toBe(false);
    expect(canCoerce(Oid.bool, Oid.int4, 'explicit')).toBe(true);
  });

  it('convert anything to a string type on assignment, and strings to anything explicitly', () => {
    // "automatic I/O conversion casts ... to string types are treated as assignment casts, while
    // I/O conversion casts from string types are explicit-only" (CREATE CAST).
    expect(findCoercionPathway(Oid.int4, Oid.text, 'implicit').kind).toBe('none');
    expect(findCoercionPathway(Oid.int4, Oid.text, 'assignment').kind).toBe('io');
    expect(findCoercionPathway(Oid.text, Oid.int4, 'assignment').kind).toBe('none');
    expect(findCoercionPathway(Oid.text, Oid.int4, 'explicit').kind).toBe('io');
    expect(castValue('12', T.text, T.int4, 'explicit', ctx)).toBe(12);
  });

  it('coerce arrays element by element', () => {
    expect(findCoercionPathway(Oid.int4Array, Oid.int8Array, 'implicit').kind).toBe('array');
    const result = castValue(SqlArray.of(Oid.int4, [1, null]), sqlType(Oid.int4Array), sqlType(Oid.int8Array), 'implicit', ctx) as SqlArray;
    expect(result.elementType).toBe(Oid.int8);
    expect(result.elements).toEqual([1n, null]);
  });

  it('truncate char types on explicit casts and refuse on assignment unless the excess is spaces', () => {
    // Manual 8.3: an over-long string is an error "unless the excess characters are all spaces";
    // "If one explicitly casts a value to character varying(n) ..., an over-length value will be truncated".
    const varchar3 = sqlType(Oid.varchar, 3 + VARHDRSZ);
    expect(castValue('abcdef', T.text, varchar3, 'explicit', ctx)).toBe('abc');
    expect(() => castValue('abcdef', T.text, varchar3, 'assignment', ctx)).toThrow(/value too long for type character varying\(3\)/);
    expect(castValue('abc   ', T.text, varchar3, 'assignment', ctx)).toBe('abc');
  });
});

describe('common types', () => {
  it('prefer the preferred type of a category and resolve all-unknown to text', () => {
    expect(selectCommonType([T.int4, T.numeric], 'CASE')).toEqual(T.numeric);
    expect(selectCommonType([T.int4, T.float8, T.numeric], 'CASE')).toEqual(T.float8);
    expect(selectCommonType([T.unknown, T.unknown], 'UNION')).toEqual(T.text);
    expect(selectCommonType([T.unknown, T.date], 'VALUES')).toEqual(T.date);
  });

  it('keep a common typmod only when all inputs share it', () => {
    const v5 = sqlType(Oid.varchar, 5 + VARHDRSZ);
    expect(selectCommonType([v5, v5], 'UNION')).toEqual(v5);
    expect(selectCommonType([v5, sqlType(Oid.varchar, 7 + VARHDRSZ)], 'UNION')).toEqual(T.varchar);
  });

  it('fail across categories with PostgreSQL\'s message', () => {
    expect(() => selectCommonType([T.text, T.int4], 'CASE')).toThrow('CASE types text and integer cannot be matched');
  });
});

describe('polymorphic types', () => {
  it('resolve anyelement from an anyarray argument and anycompatible to a common type', () => {
    expect(resolvePolymorphicTypes([Oid.int4Array, Oid.unknown], [Oid.anyarray, Oid.anyelement], Oid.anyarray).element).toBe(Oid.int4);
    expect(resolvePolymorphicTypes([Oid.int4Array, Oid.numeric], [Oid.anycompatiblearray, Oid.anycompatible], Oid.anycompatiblearray).compatible).toBe(Oid.numeric);
  });

  it('reject inconsistent and undeterminable arguments', () => {
    expect(() => resolvePolymorphicTypes([Oid.int4, Oid.text], [Oid.anyelement, Oid.anyelement], Oid.anyelement))
      .toThrow('arguments declared "anyelement" are not all alike');
    expect(() => resolvePolymorphicTypes([Oid.unknown], [Oid.anyelement], Oid.anyelement))
      .toThrow('could not determine polymorphic type because input has type unknown');
  });
});
