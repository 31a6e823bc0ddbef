/**
 * The value ranges the key codec accepts, each with its reason. The encoder asserts them (a value
 * outside is a bug in the layer above: PostgreSQL would have refused it with "out of range"), and
 * the decoder refuses anything outside with a KeyDecodeError, so that a decoded key only ever holds
 * values PostgreSQL could hold.
 */

/** smallint, integer and bigint are two's complement integers of 2, 4 and 8 bytes. */
export const int2Min = -0x8000;
export const int2Max = 0x7fff;
export const int4Min = -0x8000_0000;
export const int4Max = 0x7fff_ffff;
export const int8Min = -(2n ** 63n);
export const int8Max = 2n ** 63n - 1n;

const daysFrom4714BCTo1970 = 2_440_588; // the Julian day number of 1970-01-01

/**
 * PostgreSQL's dates run from 4714-11-24 BC (Julian day 0) to 5874897-12-31 AD (the day before
 * its DATE_END_JULIAN, 2147483494), here counted in days from 1970-01-01.
 */
export const dateDaysMin = -daysFrom4714BCTo1970;
export const dateDaysMax = 2_147_483_493 - daysFrom4714BCTo1970;

const microsPerDay = 86_400_000_000n;

/**
 * PostgreSQL's timestamps start at 4714-11-24 BC 00:00:00 (MIN_TIMESTAMP). They end at
 * 294276-12-31 24:00:00 (END_TIMESTAMP, exclusive), but counted in microseconds from 1970 that end
 * lies beyond the int64 range, whose top is taken by 'infinity'; so the largest finite timestamp
 * Tessera holds is one microsecond before the 'infinity' sentinel, 294247-01-10 04:00:54.775806.
 */
export const timestampMicrosMin = -BigInt(daysFrom4714BCTo1970) * microsPerDay;
export const timestampMicrosMax = 2n ** 63n - 2n;

/** time runs from 00:00:00 to 24:00:00 inclusive (PostgreSQL accepts '24:00:00'). */
export const timeMicrosMax = microsPerDay;

/**
 * numeric holds "up to 131072 digits before the decimal point; up to 16383 digits after the
 * decimal point" (PostgreSQL manual, Table 8.2). In scientific notation d.ddd × 10^e that bounds
 * the exponent of the leading digit by 131071 and that of the last nonzero digit by -16383.
 */
export const numericLeadingExponentMax = 131_071;
export const numericTrailingExponentMin = -16_383;

/** interval's months and days are int32 fields and its time an int64 of microseconds. */
export const intervalFieldMin = int4Min;
export const intervalFieldMax = int4Max;

/**
 * The bytes of an integer's magnitude in a varint. 16 bytes hold every interval span (at most
 * about 2^73 microseconds: 2^31 months of 30 days, 2^31 days and 2^63 microseconds) with room.
 */
export const varintPayloadBytesMax = 16;
