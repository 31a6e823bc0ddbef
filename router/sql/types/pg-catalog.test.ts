/**
 * The generated catalog rows must equal what a live PostgreSQL 15 holds; REWRITE=1 rewrites them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgServer, type PgServer } from '../../../testing/pg-server.js';
import { parseSql, initParser } from '../parser/parse.js';
import { generatePgCatalog } from './pg-catalog-generator.js';
import { resolveTypeName } from './type-names.js';
import { formatType } from './typmod.js';

const sqlDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Type names as a table column would declare them, with modifiers. */
const declaredTypes = [
  'integer', 'int8', 'smallint', 'numeric', 'numeric(10)', 'numeric(10,2)', 'numeric(3,-1)', 'decimal(5,5)',
  'varchar(10)', 'character varying', 'char', 'char(3)', 'character(5)', 'text', '"char"', 'name', 'bytea',
  'timestamp', 'timestamp(3)', 'timestamp(0) with time zone', 'timestamptz(6)', 'time(2)', 'time', 'date',
  'interval', 'interval(3)', 'interval year', 'interval month', 'interval year to month', 'interval day',
  'interval day to hour', 'interval day to minute', 'interval day to second(2)', 'interval hour to second',
  'interval minute to second(0)', 'interval second(4)', 'real', 'float', 'float(10)', 'double precision',
  'boolean', 'uuid', 'json', 'jsonb', 'integer[]', 'varchar(5)[]', 'numeric(4,1)[]', 'text[][]', 'oid', 'regclass',
];

describe('the catalog and type names against PostgreSQL 15', () => {
  let server: PgServer;
  let client: pg.Client;
  beforeAll(async () => {
    await initParser();
    server = await startPgServer();
    client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: 'postgres' });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  it('match pg_type, pg_cast, pg_proc and pg_operator', async () => {
    const files = await generatePgCatalog(async (sql) => {
      const result = await client.query<(string | null)[]>({
        text: sql,
        rowMode: 'array',
        types: { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig,
      });
      return result.rows;
    });
    for (const [path, text] of Object.entries(files)) {
      const file = join(sqlDir, path);
      if (process.env['REWRITE'] === '1') writeFileSync(file, text);
      expect(readFileSync(file, 'utf8'), path).toBe(text);
    }
  });

  it('resolve to the OIDs and typmods PostgreSQL gives table columns, and print as format_type does', async () => {
    const columns = declaredTypes.map((t, i) => `c${i} ${t}`).join(', ');
    await client.query(`CREATE TEMP TABLE declared_types (${columns})`);
    const result = await client.query<{ atttypid: number; atttypmod: number; format: string }>(
      `SELECT atttypid, atttypmod, format_type(atttypid, atttypmod) AS format FROM pg_attribute
       WHERE attrelid = 'declared_types'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    const ours = declaredTypes.map((t) => {
      const statement = parseSql(`SELECT NULL::${t}`)[0];
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const typeName = (statement?.ast as any).SelectStmt.targetList[0].ResTarget.val.TypeCast.typeName;
      const names = (typeName.names as { String: { sval: string } }[]).map((n) => n.String.sval);
      const modifiers = ((typeName.typmods ?? []) as { A_Const: { ival: { ival?: number } } }[]).map((m) => m.A_Const.ival.ival ?? 0);
      const type = resolveTypeName(names, modifiers, (typeName.arrayBounds ?? []).length);
      return { atttypid: type.oid, atttypmod: type.typmod, format: formatType(type) };
    });
    expect(ours).toEqual(result.rows.map((r) => ({ atttypid: Number(r.atttypid), atttypmod: Number(r.atttypmod), format: r.format })));
  });
});

