/**
 * Time zone abbreviations accepted in date/time input, with their offsets in seconds east of UTC:
 * a subset of PostgreSQL's "Default" timezone_abbreviations set (share/timezonesets/Default),
 * the abbreviations in common use.
 */
const hours = (h: number, m = 0): number => (h * 60 + Math.sign(h || 1) * m) * 60;

const abbreviations = new Map<string, number>([
  ['utc', 0], ['ut', 0], ['gmt', 0], ['z', 0], ['zulu', 0],
  ['est', hours(-5)], ['edt', hours(-4)], ['cst', hours(-6)], ['cdt', hours(-5)],
  ['mst', hours(-7)], ['mdt', hours(-6)], ['pst', hours(-8)], ['pdt', hours(-7)],
  ['akst', hours(-9)], ['akdt', hours(-8)], ['hst', hours(-10)], ['ast', hours(-4)], ['adt', hours(-3)],
  ['nst', hours(-3, 30)], ['ndt', hours(-2, 30)],
  ['wet', 0], ['west', hours(1)], ['bst', hours(1)], ['cet', hours(1)], ['cest', hours(2)],
  ['met', hours(1)], ['mest', hours(2)], ['eet', hours(2)], ['eest', hours(3)], ['msk', hours(3)],
  ['ist', hours(2)], ['jst', hours(9)], ['kst', hours(9)], ['hkt', hours(8)], ['sgt', hours(8)],
  ['awst', hours(8)], ['acst', hours(9, 30)], ['acdt', hours(10, 30)], ['aest', hours(10)], ['aedt', hours(11)],
  ['nzst', hours(12)], ['nzdt', hours(13)],
]);

/** The offset of an abbreviation (lowercase), or undefined. */
export function lookupZoneAbbreviation(lower: string): number | undefined {
  return abbreviations.get(lower);
}
