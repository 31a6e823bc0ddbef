/**
 * format(formatstr, VARIADIC args) (manual 9.4.1): %s, %I and %L with positions (%2$s), widths
 * (%10s, %-10s, %*s) and %%, with PostgreSQL's errors.
 */
import { PgError } from '../../errors/pg-error.js';
import { formatValue } from '../../types/io/value-io.js';
import { Oid } from '../../types/oids.js';
import type { SqlType } from '../../types/sql-type.js';
import { charLength } from '../../types/text-order.js';
import type { Value } from '../../types/value.js';
import type { Call, ScalarImpl } from '../function-types.js';
import { quoteIdent, quoteLiteral } from './text-funcs.js';

const unterminated = (): PgError => new PgError('22023', 'unterminated format() type specifier', { hint: 'For a single "%" use "%%".' });
const tooFew = (): PgError => new PgError('22023', 'too few arguments for format()');

function textOf(value: Value, type: SqlType, call: Call): string {
  if (typeof value === 'string' && (type.oid === Oid.text || type.oid === Oid.unknown || type.oid === Oid.varchar)) return value;
  return formatValue(value as Exclude<Value, null>, type, call.ctx);
}

/** Reads a decimal number at `i`; returns [value, next index] or undefined. */
function readNumber(text: string, i: number): [number, number] | undefined {
  let j = i;
  while (j < text.length && text[j]! >= '0' && text[j]! <= '9') j++;
  if (j === i) return undefined;
  const n = Number(text.slice(i, j));
  if (n > 2147483647) throw new PgError('22003', 'number is out of range');
  return [n, j];
}

export function formatText(format: string, args: readonly Value[], types: readonly SqlType[], call: Call): string {
  let out = '';
  let next = 0;
  let i = 0;
  const argument = (index: number): [Value, SqlType] => {
    if (index >= args.length) throw tooFew();
    return [args[index] as Value, types[index] as SqlType];
  };
  while (i < format.length) {
    const c = format[i] as string;
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    if (i >= format.length) throw unterminated();
    if (format[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    // An explicit argument position: n$.
    let position: number | undefined;
    const number = readNumber(format, i);
    if (number !== undefined && format[number[1]] === '$') {
      if (number[0] === 0) throw new PgError('22023', 'format specifies argument 0, but arguments are numbered from 1');
      position = number[0];
      i = number[1] + 1;
    }
    let leftAlign = false;
    while (format[i] === '-') {
      leftAlign = true;
      i++;
    }
    let width: number | undefined;
    if (format[i] === '*') {
      i++;
      let widthIndex = next;
      const star = readNumber(format, i);
      if (star !== undefined) {
        if (format[star[1]] !== '$') throw new PgError('22023', 'width argument position must be ended by "$"');
        if (star[0] === 0) throw new PgError('22023', 'format specifies argument 0, but arguments are numbered from 1');
        widthIndex = star[0] - 1;
        i = star[1] + 1;
      } else {
        next++;
      }
      const [w] = argument(widthIndex);
      width = w === null ? 0 : Number(w);
      if (width < 0) {
        leftAlign = true;
        width = -width;
      }
    } else {
      const digits = readNumber(format, i);
      if (digits !== undefined) {
        width = digits[0];
        i = digits[1];
      }
    }
    if (i >= format.length) throw unterminated();
    const type = format[i] as string;
    i++;
    if (type !== 's' && type !== 'I' && type !== 'L') {
      throw new PgError('22023', `unrecognized format() type specifier "${type}"`, { hint: 'For a single "%" use "%%".' });
    }
    const index = position !== undefined ? position - 1 : next;
    next = index + 1;
    const [value, valueType] = argument(index);
    let text: string;
    if (type === 's') text = value === null ? '' : textOf(value, valueType, call);
    else if (type === 'I') {
      if (value === null) throw new PgError('22004', 'null values cannot be formatted as an SQL identifier');
      text = quoteIdent(textOf(value, valueType, call));
    } else text = value === null ? 'NULL' : quoteLiteral(textOf(value, valueType, call));
    if (width !== undefined) {
      const padding = ' '.repeat(Math.max(0, width - charLength(text)));
      text = leftAlign ? text + padding : padding + text;
    }
    out += text;
  }
  return out;
}

export const formatImpls: Record<string, ScalarImpl> = {
  text_format: (args, call) => (args[0] === null ? null : formatText(args[0] as string, args.slice(1), call.argTypes.slice(1), call)),
  text_format_nv: ([f], call) => (f === null ? null : formatText(f as string, [], [], call)),
};
