import type { SqlStateCode } from './sqlstate.js';

export type Severity = 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';

/** The optional fields of PostgreSQL's ErrorResponse that Tessera fills where PostgreSQL does. */
export interface PgErrorFields {
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character position in the statement text, as PostgreSQL reports it. */
  readonly position?: number;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly dataType?: string;
  readonly constraint?: string;
  readonly severity?: Severity;
}

/**
 * An error the client sees, with its SQLSTATE. Everything that fails a statement becomes one of
 * these in exactly one place (`toPgError`), so the wire layer only ever serialises PgError.
 */
export class PgError extends Error implements PgErrorFields {
  override readonly name = 'PgError';
  readonly severity: Severity;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: number;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly dataType?: string;
  readonly constraint?: string;

  constructor(
    readonly code: SqlStateCode,
    message: string,
    fields: PgErrorFields = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.severity = fields.severity ?? 'ERROR';
    if (fields.detail !== undefined) this.detail = fields.detail;
    if (fields.hint !== undefined) this.hint = fields.hint;
    if (fields.position !== undefined) this.position = fields.position;
    if (fields.schema !== undefined) this.schema = fields.schema;
    if (fields.table !== undefined) this.table = fields.table;
    if (fields.column !== undefined) this.column = fields.column;
    if (fields.dataType !== undefined) this.dataType = fields.dataType;
    if (fields.constraint !== undefined) this.constraint = fields.constraint;
  }

  /** A copy with more fields (e.g. a position added by the caller that knows the text). */
  with(fields: PgErrorFields): PgError {
    return new PgError(this.code, this.message, { ...this.fieldsOf(), ...fields }, { cause: this.cause });
  }

  private fieldsOf(): PgErrorFields {
    const { severity, detail, hint, position, schema, table, column, dataType, constraint } = this;
    return Object.fromEntries(
      Object.entries({ severity, detail, hint, position, schema, table, column, dataType, constraint }).filter(
        ([, v]) => v !== undefined,
      ),
    ) as PgErrorFields;
  }
}

/** Shorthand for the feature-not-supported error, which must always name the feature. */
export function unsupported(feature: string, hint?: string): PgError {
  return new PgError('0A000', `${feature} is not supported`, hint === undefined ? {} : { hint });
}
