/**
 * The expression engine of the data-driven tests that runs Tessera's type system and function
 * library (through the expression evaluator).
 */
import { PgError } from '../../errors/pg-error.js';
import { timeZoneSetting } from '../../types/datetime/time-zone.js';
import { formatValue } from '../../types/io/value-io.js';
import { typeName } from '../../types/typmod.js';
import { parseTypeNameText } from '../../types/type-names.js';
import type { Value } from '../../types/value.js';
import { fixedEvalContext, type EvalContext } from '../eval-context.js';
import type { EngineRows, ExpressionEngine, RowSource } from './expression-cases.js';
import { evaluateSelect } from './expression-evaluator.js';

export class TesseraEngine implements ExpressionEngine {
  /** A fixed clock far enough ahead that comparisons with the present day answer as PostgreSQL's do. */
  private ctx: EvalContext = fixedEvalContext({ nowMicros: 4_070_908_800_000_000n });

  async set(name: string, value: string): Promise<void> {
    switch (name.toLowerCase()) {
      case 'timezone':
        this.ctx = { ...this.ctx, timeZone: timeZoneSetting(value) };
        return;
      case 'datestyle':
        this.ctx = { ...this.ctx, dateOrder: /dmy/i.test(value) ? 'DMY' : /ymd/i.test(value) ? 'YMD' : 'MDY' };
        return;
      case 'extra_float_digits':
        this.ctx = { ...this.ctx, extraFloatDigits: Number(value) };
        return;
      case 'bytea_output':
        this.ctx = { ...this.ctx, byteaOutput: value === 'escape' ? 'escape' : 'hex' };
        return;
      default:
        throw new Error(`unknown setting ${name}`);
    }
  }

  async evaluate(expression: string, source?: RowSource): Promise<EngineRows> {
    try {
      let input = {};
      if (source !== undefined) {
        const type = parseTypeNameText(source.type);
        const rows: Value[][] = source.values.map((v) => {
          const [result] = evaluateSelect(`SELECT (${v})::${source.type}`, this.ctx);
          return [result?.values[0] ?? null];
        });
        input = { columns: [{ name: 'x', type }], rows, perRow: source.perRow };
      }
      const [result] = evaluateSelect(`SELECT ${expression}`, this.ctx, input);
      if (result === undefined) throw new Error('no result');
      const type = typeName(result.type.oid);
      return {
        ok: true,
        rows: result.values.map((v) => [v === null ? null : formatValue(v, result.type, this.ctx), type] as const),
      };
    } catch (err) {
      if (err instanceof PgError) return { ok: false, code: err.code, message: err.message };
      return { ok: false, code: 'INTERNAL', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  }
}
