/**
 * Every logic file against a throwaway PostgreSQL 15: the corpus must describe PostgreSQL exactly
 * before Tessera is held to it. `REWRITE=1 npx vitest run router/sql/logictest/postgres.test.ts`
 * rewrites the expectations from PostgreSQL's answers; read the diff before keeping it.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe } from 'vitest';
import { startPgServer, type PgServer } from '../../../testing/pg-server.js';
import { logicTests } from './logic-tests.js';
import { PostgresTarget } from './postgres-target.js';

const testdataDir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

describe('logic tests on PostgreSQL 15', () => {
  let server: PgServer | undefined;
  let target: PostgresTarget | undefined;

  beforeAll(async () => {
    server = await startPgServer();
    target = new PostgresTarget(server);
  });

  afterAll(async () => {
    await target?.close();
    await server?.stop();
  });

  logicTests(testdataDir, () => {
    if (target === undefined) throw new Error('the PostgreSQL server did not start');
    return target;
  });
});
