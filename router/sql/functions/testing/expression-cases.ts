/**
 * The data-driven expression tests (testdata/*.txt), run by two engines: Tessera's function
 * library through the expression evaluator, and a real PostgreSQL 15. Expected outputs come from
 * PostgreSQL (REWRITE=1 with the PostgreSQL engine rewrites them), so the library passes exactly
 * when it answers as PostgreSQL does.
 *
 * Commands:
 *   eval                      one SQL expression per line
 *   aggregate type=T values=(v1, v2, ...)
 *                             aggregate expressions over a column x of type T holding the values
 *   window type=T values=(...)
 *                             window expressions over x, one output value per row, in input order
 *   set name=value            a session setting (timezone, datestyle, extra_float_digits)
 *
 * Each expression prints `<text output> :: <type>` (type as pg_typeof names it), several rows
 * joined by ` | `, NULL as NULL, or `ERROR <SQLSTATE>: <message>`.
 */
import { argString, argVals, type TestCase } from '../../../../testing/datadriven.js';

export interface ExpressionEngine {
  /** Evaluates `SELECT <expression>`; rows of [text or null, type name]. */
  evaluate(expression: string, source?: RowSource): Promise<EngineRows>;
  set(name: string, value: string): Promise<void>;
}

export interface RowSource {
  readonly type: string;
  readonly values: readonly string[];
  /** One result per input row (window functions) instead of one over all rows. */
  readonly perRow: boolean;
}

export type EngineRows =
  | { readonly ok: true; readonly rows: readonly (readonly [string | null, string])[] }
  | { readonly ok: false; readonly code: string; readonly message: string };

export function formatRows(result: EngineRows): string {
  if (!result.ok) return `ERROR ${result.code}: ${result.message}`;
  if (result.rows.length === 0) return '(no rows)';
  const values = result.rows.map(([v]) => (v === null ? 'NULL' : v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')));
  return `${values.join(' | ')} :: ${result.rows[0]?.[1] ?? '?'}`;
}

export async function runCase(engine: ExpressionEngine, tc: TestCase): Promise<string> {
  switch (tc.cmd) {
    case 'set': {
      for (const arg of tc.cmdArgs) await engine.set(arg.key, arg.vals.join(','));
      return 'ok';
    }
    case 'eval':
    case 'aggregate':
    case 'window': {
      const source = tc.cmd === 'eval' ? undefined : { type: argString(tc, 'type'), values: argVals(tc, 'values') ?? [], perRow: tc.cmd === 'window' };
      const lines = tc.input.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
      const out: string[] = [];
      for (const line of lines) out.push(formatRows(await engine.evaluate(line, source)));
      return out.join('\n');
    }
    default:
      throw new Error(`${tc.pos}: unknown command ${tc.cmd}`);
  }
}
