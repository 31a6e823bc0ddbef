/**
 * The expectations of testdata/*.txt against a real PostgreSQL 15: every expected output is what
 * PostgreSQL answers (REWRITE=1 rewrites them from the server), which makes
 * expressions.test.ts a differential test of the function library against PostgreSQL.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailures, runDataDrivenFile } from '../../../testing/datadriven.js';
import { startPgServer, type PgServer } from '../../../testing/pg-server.js';
import pg from 'pg';
import { Prng } from '../../../common/prng.js';
import { formatValue } from '../types/io/value-io.js';
import { T } from '../types/sql-type.js';
import { fixedEvalContext } from './eval-context.js';
import { resolveFunction } from './resolve.js';
import { runCase } from './testing/expression-cases.js';
import { PostgresEngine } from './testing/postgres-engine.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

describe('expression expectations on PostgreSQL 15', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPgServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    it(name, async () => {
      const engine = await PostgresEngine.connect(server);
      try {
        const result = await runDataDrivenFile(join(dir, name), (tc) => runCase(engine, tc));
        expect(result.failures.length, describeFailures(result)).toBe(0);
      } finally {
        await engine.close();
      }
    });
  }

  it('regular expression matches of random patterns agree with PostgreSQL', async () => {
    // Alternations, non-greedy quantifiers and quantified groups are where PostgreSQL's
    // matching rules differ from backtracking engines; random ones over a small alphabet find
    // the cases no hand-written list would.
    const prng = new Prng(Number(process.env['REGEX_SEED'] ?? 20240515));
    const atom = (): string => prng.pick(['a', 'b', 'c', '.', '[ab]', '[^c]', '\\w', '(?=a)', '(?!b)']);
    const quantifier = (): string => prng.pick(['', '', '*', '+', '?', '*?', '+?', '??', '{1,2}', '{0,2}?', '{2}', '{1,1}']);
    const piece = (depth: number): string => {
      const roll = prng.nextInt(12);
      if (roll === 0) return prng.pick(['^', '$']);
      if (depth < 2 && roll < 3) return `(${branch(depth + 1)}|${branch(depth + 1)})${quantifier()}`;
      if (depth < 2 && roll < 5) return `(${branch(depth + 1)})${quantifier()}`;
      if (depth < 2 && roll < 6) return `(?:${branch(depth + 1)}|${branch(depth + 1)})${quantifier()}`;
      const a = atom();
      return a.startsWith('(?') ? a : a + quantifier();
    };
    const branch = (depth: number): string => Array.from({ length: 1 + prng.nextInt(3) }, () => piece(depth)).join('');
    const cases = Array.from({ length: Number(process.env['REGEX_CASES'] ?? 300) }, () => ({
      pattern: branch(0),
      text: Array.from({ length: prng.nextInt(9) }, () => prng.pick(['a', 'b', 'c'])).join(''),
    }));
    const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: 'postgres' });
    await client.connect();
    try {
      // regexp_match shows the submatches, regexp_replace with \& the whole match.
      const result = await client.query<{ m: string | null; r: string }>(
        `SELECT regexp_match(t, p)::text AS m, regexp_replace(t, p, '[\\&]') AS r
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(t, p, n) ORDER BY n`,
        [cases.map((c) => c.text), cases.map((c) => c.pattern)],
      );
      const ctx = fixedEvalContext();
      const regexpMatch = resolveFunction('regexp_match', [{ type: T.text }, { type: T.text }]);
      const regexpReplace = resolveFunction('regexp_replace', [{ type: T.text }, { type: T.text }, { type: T.text }]);
      const mismatches = cases
        .map((c, i) => {
          const match = regexpMatch.invoke([c.text, c.pattern], ctx);
          return {
            ...c,
            postgres: [result.rows[i]?.m ?? null, result.rows[i]?.r],
            tessera: [match === null ? null : formatValue(match, regexpMatch.returnType, ctx), regexpReplace.invoke([c.text, c.pattern, '[\\&]'], ctx)],
          };
        })
        .filter((c) => c.postgres[0] !== c.tessera[0] || c.postgres[1] !== c.tessera[1]);
      // REGEX_SEED, REGEX_CASES and REGEX_DUMP=<file> explore beyond the default cases.
      if (process.env['REGEX_DUMP'] !== undefined) writeFileSync(process.env['REGEX_DUMP'], JSON.stringify(mismatches, null, 1));
      expect(mismatches).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
