/**
 * Keys as people read them in error messages: `/Table/104/1/\x89` for table data (table and index
 * ids decoded, the rest as printable bytes), `/Meta/...` for meta records, raw bytes otherwise.
 * Only for messages: nothing parses the result.
 */
import type { Key } from '../../proto/kv-api.js';
import { KeyReader } from '../../storage/key-codec/key-reader.js';
import { decodeUvarintAscending } from '../../storage/key-codec/varint.js';
import { META_PREFIX_BYTE, TABLE_DATA_MIN_BYTE } from '../../storage/keys.js';
import { printKey } from '../../storage/mvcc/errors.js';

export function prettyKey(key: Key): string {
  const first = key[0];
  if (first === undefined) return '/Min';
  if (first === META_PREFIX_BYTE) return `/Meta${printKey(key.subarray(1))}`;
  if (first < TABLE_DATA_MIN_BYTE) return printKey(key);
  const reader = new KeyReader(key);
  try {
    const ids = [decodeUvarintAscending(reader)];
    if (!reader.atEnd) ids.push(decodeUvarintAscending(reader));
    const rest = key.subarray(reader.offset);
    return `/Table/${ids.join('/')}${rest.length === 0 ? '' : `/${printKey(rest)}`}`;
  } catch {
    // Not a table key after all (a hand-made key in a test): its bytes say enough.
    return printKey(key);
  }
}
