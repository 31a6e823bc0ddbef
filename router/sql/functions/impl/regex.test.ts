/**
 * The regular expression engines against each other and against PostgreSQL's matching rules
 * (manual 9.7.3.5): the POSIX matcher decides matches as PostgreSQL does; for simple patterns
 * the JavaScript engine must agree with it, which is what lets them skip the POSIX matcher.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultFlags, parseRegex, PosixMatcher, simplePattern, toJsRegExp } from './regex.js';

function posix(pattern: string, text: string): [number, number, ...(string | null)[]] | null {
  const parsed = parseRegex(pattern, defaultFlags());
  const matcher = new PosixMatcher(parsed, text);
  const match = matcher.find(0);
  if (match === undefined) return null;
  return [match.start, match.end, ...match.groups.map((g) => (g === undefined ? null : matcher.slice(g[0], g[1])))];
}

function javascript(pattern: string, text: string): [number, number, ...(string | null)[]] | null {
  const found = toJsRegExp(parseRegex(pattern, defaultFlags())).exec(text);
  if (found === null) return null;
  return [found.index, found.index + (found[0] as string).length, ...found.slice(1).map((g) => g ?? null)];
}

describe('POSIX matching rules', () => {
  it('take the longest match at the leftmost position, unless the pattern is non-greedy', () => {
    // "If the RE could match more than one substring starting at that point, either the longest
    // possible match or the shortest possible match will be taken, depending on whether the RE
    // is greedy or non-greedy."
    expect(posix('a|ab', 'abcd')).toEqual([0, 2]);
    expect(posix('(a|ab)(c|bcd)(d*)', 'abcd')).toEqual([0, 4, 'ab', 'c', 'd']);
    expect(posix('(.*?)@(.*)', 'x@y')).toEqual([0, 2, 'x', '']);
    expect(posix('.*?(\\d+)', 'xyz123')).toEqual([0, 4, '1']);
    expect(posix('a?(ab)?', 'ab')).toEqual([0, 2, 'ab']);
    expect(javascript('a?(ab)?', 'ab')).toEqual([0, 1, null]);
  });

  it('agree with JavaScript on simple patterns', () => {
    const atom = fc.constantFrom('a', 'b', '[ab]', '.', '[^a]');
    const quantified = fc.tuple(atom, fc.constantFrom('', '*', '+', '?', '{0,2}', '{1,3}')).map(([a, q]) => a + q);
    const item = fc.oneof(quantified, fc.array(quantified, { minLength: 1, maxLength: 3 }).map((items) => `(${items.join('')})`));
    const pattern = fc.array(item, { minLength: 1, maxLength: 4 }).map((items) => items.join(''));
    const text = fc.stringMatching(/^[abc]{0,8}$/);
    fc.assert(fc.property(pattern, text, (p, t) => {
      expect(simplePattern(parseRegex(p, defaultFlags()).root)).toBe(true);
      expect(javascript(p, t)).toEqual(posix(p, t));
    }), { numRuns: 400 });
  });
});
