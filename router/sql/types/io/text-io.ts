/**
 * Character types' text input with a declared length: varchar(n) and char(n) accept a longer
 * value only when the excess is spaces ("an attempt to store a longer string ... will result in
 * an error, unless the excess characters are all spaces, in which case the string will be
 * truncated", manual 8.3); char(n) pads to n. name truncates to 63 bytes.
 */
import { PgError } from '../../errors/pg-error.js';
import { NAME_BYTES_MAX } from '../limits.js';
import { characters, utf8Length } from '../text-order.js';
import { VARHDRSZ } from '../typmod.js';

/** The first `n` characters of a string and whether there were more. */
function clip(text: string, n: number): { head: string; rest: string } {
  const chars = characters(text);
  return { head: chars.slice(0, n).join(''), rest: chars.slice(n).join('') };
}

/**
 * Applies varchar(n) or char(n) to a value. `explicit` is a cast (which truncates silently);
 * otherwise the excess must be spaces (error 22001).
 */
export function applyCharLength(text: string, typmod: number, kind: 'varchar' | 'bpchar', explicit: boolean): string {
  if (typmod < VARHDRSZ) return text;
  const maxLength = typmod - VARHDRSZ;
  const { head, rest } = clip(text, maxLength);
  if (rest !== '' && !explicit && !/^ *$/.test(rest)) {
    throw new PgError('22001', `value too long for type ${kind === 'varchar' ? 'character varying' : 'character'}(${maxLength})`);
  }
  if (kind === 'bpchar') {
    const length = characters(head).length;
    return length < maxLength ? head + ' '.repeat(maxLength - length) : head;
  }
  return head;
}

/** name input: the text cut to 63 bytes at a character boundary. */
export function toName(text: string): string {
  if (utf8Length(text) <= NAME_BYTES_MAX) return text;
  let out = '';
  let bytes = 0;
  for (const c of characters(text)) {
    const length = utf8Length(c);
    if (bytes + length > NAME_BYTES_MAX) break;
    out += c;
    bytes += length;
  }
  return out;
}

/** bpchar's value without trailing spaces, which comparisons and most functions use. */
export function bpcharTrim(text: string): string {
  return text.replace(/ +$/, '');
}
