/**
 * Text order and length in the "C" collation, Tessera's only one: bytewise UTF-8, which is code
 * point order. JavaScript strings are UTF-16, whose code unit order differs from code point
 * order for characters above U+FFFF (stored as surrogates 0xD800-0xDFFF, below 0xE000-0xFFFF).
 */

/** Compares two strings by code point (= UTF-8 byte) order: negative, 0 or positive. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The length of a string in UTF-8 bytes (octet_length). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** The length of a string in characters (code points), as char_length counts. */
export function charLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) i++;
    count++;
  }
  return count;
}

/** The code points of a string, one string per character. */
export function characters(text: string): string[] {
  return Array.from(text);
}
