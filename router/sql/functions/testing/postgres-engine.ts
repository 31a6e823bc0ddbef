/**
 * The expression engine of the data-driven tests that asks a real PostgreSQL 15, taking values as
 * the server's text output.
 */
import pg from 'pg';
import type { EngineRows, ExpressionEngine, RowSource } from './expression-cases.js';

const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

export class PostgresEngine implements ExpressionEngine {
  constructor(private readonly client: pg.Client) {}

  static async connect(address: { host: string; port: number; user: string }): Promise<PostgresEngine> {
    const client = new pg.Client({
      ...address,
      database: 'postgres',
      options: '-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c extra_float_digits=1 -c lc_messages=C',
    });
    await client.connect();
    return new PostgresEngine(client);
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  async set(name: string, value: string): Promise<void> {
    await this.client.query(`SET ${name} = '${value.replace(/'/g, "''")}'`);
  }

  async evaluate(expression: string, source?: RowSource): Promise<EngineRows> {
    let sql = `SELECT ${expression}, pg_typeof(${expression})::text`;
    if (source !== undefined) {
      const rows = source.values.map((v, i) => `(${i + 1}, (${v})::${source.type})`).join(', ');
      sql += ` FROM (VALUES ${rows}) t(i, x)`;
      if (source.perRow) sql += ' ORDER BY i';
    }
    try {
      const result = await this.client.query<[string | null, string]>({ text: sql, rowMode: 'array', types: rawText });
      return { ok: true, rows: result.rows.map((r) => [r[0], r[1]] as const) };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code === undefined) throw err;
      return { ok: false, code: e.code, message: e.message ?? '' };
    }
  }
}
