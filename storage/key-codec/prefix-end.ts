/**
 * The end of a prefix scan. Keys are ordered as LevelDB orders them: unsigned bytewise, a proper
 * prefix first.
 */

/**
 * The smallest key greater than every key that starts with prefix, or undefined when there is
 * none (an empty prefix or one of only 0xff bytes: every key above it still starts with it), which
 * means "scan to the end". Trailing 0xff bytes are dropped and the last remaining byte incremented:
 * [1, 2, 0xff] ends at [1, 3].
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const result = prefix.slice(0, end);
  result[end - 1] = (result[end - 1] as number) + 1;
  return result;
}
