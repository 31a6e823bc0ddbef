/**
 * Session settings (SET / SHOW / RESET): the ones Tessera knows, their defaults and how their
 * values are checked and shown. Unknown names are 42704, as in PostgreSQL.
 */
import { PgError } from '../errors/pg-error.js';
import { timeZoneSetting } from '../types/datetime/time-zone.js';

interface SettingSpec {
  readonly name: string;
  readonly defaultValue: string;
  /** Checks and normalizes a value; throws 22023 for a bad one. */
  readonly normalize: (value: string) => string;
}

const any = (v: string): string => v;

function isolation(value: string): string {
  const v = value.toLowerCase();
  if (v === 'serializable' || v === 'read committed' || v === 'repeatable read' || v === 'read uncommitted') return v;
  throw new PgError('22023', `invalid value for parameter "transaction_isolation": "${value}"`);
}

function integer(name: string, min: number, max: number): (value: string) => string {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new PgError('22023', `invalid value for parameter "${name}": "${value}"`);
    if (n < min || n > max) throw new PgError('22023', `${n} is outside the valid range for parameter "${name}" (${min} .. ${max})`);
    return String(n);
  };
}

const specs: readonly SettingSpec[] = [
  { name: 'TimeZone', defaultValue: 'UTC', normalize: (v) => {
    timeZoneSetting(v);
    return v;
  } },
  { name: 'DateStyle', defaultValue: 'ISO, MDY', normalize: (v) => {
    const upper = v.toUpperCase();
    const order = upper.includes('DMY') ? 'DMY' : upper.includes('YMD') ? 'YMD' : 'MDY';
    if (upper.includes('SQL') || upper.includes('GERMAN') || upper.includes('POSTGRES')) throw new PgError('0A000', `DateStyle ${v} is not supported`);
    return `ISO, ${order}`;
  } },
  { name: 'IntervalStyle', defaultValue: 'postgres', normalize: (v) => {
    if (v.toLowerCase() !== 'postgres') throw new PgError('0A000', `IntervalStyle ${v} is not supported`);
    return 'postgres';
  } },
  { name: 'extra_float_digits', defaultValue: '1', normalize: integer('extra_float_digits', -15, 3) },
  { name: 'client_encoding', defaultValue: 'UTF8', normalize: (v) => {
    if (!/^utf-?8$/i.test(v)) throw new PgError('0A000', `client_encoding ${v} is not supported`);
    return 'UTF8';
  } },
  { name: 'default_transaction_isolation', defaultValue: 'serializable', normalize: isolation },
  { name: 'transaction_isolation', defaultValue: 'serializable', normalize: isolation },
  { name: 'search_path', defaultValue: '"$user", public', normalize: any },
  { name: 'application_name', defaultValue: '', normalize: any },
  { name: 'statement_timeout', defaultValue: '0', normalize: any },
  { name: 'lock_timeout', defaultValue: '0', normalize: any },
  { name: 'standard_conforming_strings', defaultValue: 'on', normalize: any },
  { name: 'bytea_output', defaultValue: 'hex', normalize: (v) => {
    if (v !== 'hex' && v !== 'escape') throw new PgError('22023', `invalid value for parameter "bytea_output": "${v}"`);
    return v;
  } },
  { name: 'server_version', defaultValue: '15.0', normalize: any },
  { name: 'server_encoding', defaultValue: 'UTF8', normalize: any },
  { name: 'integer_datetimes', defaultValue: 'on', normalize: any },
  { name: 'max_identifier_length', defaultValue: '63', normalize: any },
  { name: 'client_min_messages', defaultValue: 'notice', normalize: any },
  { name: 'datestyle', defaultValue: 'ISO, MDY', normalize: any },
];

const byLowerName = new Map(specs.filter((s) => s.name !== 'datestyle').map((s) => [s.name.toLowerCase(), s]));

export class Settings {
  private readonly values = new Map<string, string>();

  private spec(name: string): SettingSpec {
    const spec = byLowerName.get(name.toLowerCase());
    if (spec === undefined) throw new PgError('42704', `unrecognized configuration parameter "${name}"`);
    return spec;
  }

  get(name: string): string {
    const spec = this.spec(name);
    return this.values.get(spec.name) ?? spec.defaultValue;
  }

  /** The name as PostgreSQL spells it in SHOW's column header (lower case, as given). */
  set(name: string, value: string): void {
    const spec = this.spec(name);
    this.values.set(spec.name, spec.normalize(value));
  }

  reset(name: string): void {
    this.values.delete(this.spec(name).name);
  }

  resetAll(): void {
    this.values.clear();
  }
}
