/**
 * Float text output and real input at the last place. Manual 8.1.3: "By default, floating point
 * values are output in text form in their shortest precise decimal representation; the decimal
 * value produced is closer to the true stored binary value than to any other value
 * representable in the same binary precision." PostgreSQL's Ryu takes only decimals strictly
 * closer (a decimal exactly halfway is not taken), which is where it parts from JavaScript's
 * shortest form; expectations below are PostgreSQL 15's answers.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../../common/prng.js';
import { decimalTextToFloat4, float8ToDecimalText, formatFloat4, formatFloat8, parseFloat4, parseFloat8 } from './float-io.js';

describe('float output', () => {
  it('prints what PostgreSQL prints where JavaScript differs', () => {
    expect(formatFloat8(1e23)).toBe('9.999999999999999e+22');
    expect(formatFloat8(9007199254740993)).toBe('9.007199254740992e+15');
    expect(formatFloat4(parseFloat4('3e10'))).toBe('3.0000001e+10');
    expect(formatFloat4(parseFloat4('224.453125'))).toBe('224.45312');
    expect(formatFloat4(parseFloat4('1.17549435e-38'))).toBe('1.1754944e-38');
    expect(formatFloat4(parseFloat4('1e-45'))).toBe('1e-45');
    expect(formatFloat8(5e-324)).toBe('5e-324');
  });

  it('printf %.15g rounds ties to even, as float-to-numeric starts from it', () => {
    expect(float8ToDecimalText(2 ** -22)).toBe('2.38418579101562e-07');
    expect(float8ToDecimalText(-0)).toBe('-0');
  });

  it('reads back what it prints', () => {
    const prng = new Prng(99);
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 5000; i++) {
      view.setUint32(0, prng.nextInt(2 ** 32));
      const single = view.getFloat32(0);
      if (Number.isFinite(single) && single !== 0) expect(parseFloat4(formatFloat4(single))).toBe(single);
      view.setUint32(4, prng.nextInt(2 ** 32));
      const double = view.getFloat64(0);
      if (Number.isFinite(double) && double !== 0) expect(parseFloat8(formatFloat8(double))).toBe(double);
    }
  });
});

describe('real input', () => {
  it('rounds the decimal once, not through double precision', () => {
    // 2^54 + 2^30 + 1: its nearest double is the midpoint 2^54 + 2^30, which would round to even.
    expect(decimalTextToFloat4('18014399583223809')).toBe(18014400656965632);
    expect(decimalTextToFloat4('18014399583223808')).toBe(18014398509481984);
  });
});
