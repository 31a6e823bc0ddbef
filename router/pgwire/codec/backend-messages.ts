/**
 * Encoders for the messages the server sends (protocol 55.7, "Message Formats"). Each returns
 * the complete message as one Buffer, ready to write to the socket.
 */
import { MessageWriter } from './message-writer.js';

/** The transaction status of ReadyForQuery: idle, in a transaction block, in a failed block. */
export type TransactionStatus = 'I' | 'T' | 'E';

export interface FieldDescription {
  readonly name: string;
  readonly tableOid: number;
  readonly columnAttnum: number;
  readonly typeOid: number;
  /** pg_type.typlen: -1 for varlena types, -2 for cstring. */
  readonly typeSize: number;
  readonly typmod: number;
  readonly format: 0 | 1;
}

/** The fields of ErrorResponse and NoticeResponse (protocol 55.8, "Error and Notice Message Fields"). */
export interface ErrorFields {
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: number;
  readonly internalPosition?: number;
  readonly internalQuery?: string;
  readonly where?: string;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly dataType?: string;
  readonly constraint?: string;
  readonly file?: string;
  readonly line?: number;
  readonly routine?: string;
}

export function authenticationOk(): Buffer {
  return new MessageWriter('R').int32(0).finish();
}

export function parameterStatus(name: string, value: string): Buffer {
  return new MessageWriter('S').cstring(name).cstring(value).finish();
}

export function backendKeyData(processId: number, secretKey: number): Buffer {
  return new MessageWriter('K').int32(processId).int32(secretKey).finish();
}

export function readyForQuery(status: TransactionStatus): Buffer {
  return new MessageWriter('Z').byte(status.charCodeAt(0)).finish();
}

export function rowDescription(fields: readonly FieldDescription[]): Buffer {
  const writer = new MessageWriter('T').int16(fields.length);
  for (const field of fields) {
    writer.cstring(field.name).int32(field.tableOid).int16(field.columnAttnum).int32(field.typeOid);
    writer.int16(field.typeSize).int32(field.typmod).int16(field.format);
  }
  return writer.finish();
}

/** One row; each value is already in its wire format (text as UTF-8), null for SQL NULL. */
export function dataRow(values: readonly (Buffer | string | null)[]): Buffer {
  const writer = new MessageWriter('D').int16(values.length);
  for (const value of values) {
    if (value === null) {
      writer.int32(-1);
      continue;
    }
    const data = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    writer.int32(data.length).raw(data);
  }
  return writer.finish();
}

export function commandComplete(tag: string): Buffer {
  return new MessageWriter('C').cstring(tag).finish();
}

export function emptyQueryResponse(): Buffer {
  return new MessageWriter('I').finish();
}

export function errorResponse(fields: ErrorFields): Buffer {
  return fieldsMessage('E', fields);
}

export function noticeResponse(fields: ErrorFields): Buffer {
  return fieldsMessage('N', fields);
}

export function parseComplete(): Buffer {
  return new MessageWriter('1').finish();
}

export function bindComplete(): Buffer {
  return new MessageWriter('2').finish();
}

export function closeComplete(): Buffer {
  return new MessageWriter('3').finish();
}

export function noData(): Buffer {
  return new MessageWriter('n').finish();
}

export function portalSuspended(): Buffer {
  return new MessageWriter('s').finish();
}

export function parameterDescription(typeOids: readonly number[]): Buffer {
  const writer = new MessageWriter('t').int16(typeOids.length);
  for (const oid of typeOids) writer.int32(oid);
  return writer.finish();
}

/** The field codes of protocol 55.8, in the order PostgreSQL sends them. */
const fieldCodes: readonly (readonly [keyof ErrorFields, string])[] = [
  ['severity', 'S'], ['severity', 'V'], ['code', 'C'], ['message', 'M'], ['detail', 'D'], ['hint', 'H'],
  ['position', 'P'], ['internalPosition', 'p'], ['internalQuery', 'q'], ['where', 'W'], ['schema', 's'],
  ['table', 't'], ['column', 'c'], ['dataType', 'd'], ['constraint', 'n'], ['file', 'F'], ['line', 'L'],
  ['routine', 'R'],
];

function fieldsMessage(type: 'E' | 'N', fields: ErrorFields): Buffer {
  const writer = new MessageWriter(type);
  for (const [key, code] of fieldCodes) {
    const value = fields[key];
    if (value === undefined) continue;
    writer.byte(code.charCodeAt(0)).cstring(String(value));
  }
  return writer.byte(0).finish();
}
