/**
 * Checks a batch before anything else looks at it: bad input gets a clear error and never reaches
 * evaluation (where it would be an assertion).
 */
import type { BatchRequest, RequestUnion, Span } from '../../proto/kv-api.js';
import type { Bytes } from '../../storage/engine.js';
import { addressableSpan, spanContainsKey, type KeySpan } from '../../storage/keys.js';
import { printKey } from '../../storage/mvcc/index.js';
import { KvErrorThrown, invalidRequest, limitExceeded } from './kv-error.js';
import { batchRequestsMax, keyBytesMax, valueBytesMax } from './limits.js';

/** Requests that change a transaction's locks: they need its anchor key. */
const ANCHORED: ReadonlySet<RequestUnion['type']> = new Set(['put', 'conditionalPut', 'delete', 'deleteRange', 'increment', 'lock', 'endTxn', 'heartbeatTxn']);
/** Requests meaningless outside a transaction. */
const TXN_ONLY: ReadonlySet<RequestUnion['type']> = new Set(['lock', 'endTxn', 'heartbeatTxn', 'refresh', 'refreshRange']);

export function validateBatch(batch: BatchRequest, rangeSpan: KeySpan): void {
  const { header, requests } = batch;
  if (requests.length === 0) throw invalidRequest('empty batch');
  if (requests.length > batchRequestsMax) {
    throw new KvErrorThrown(limitExceeded('batchRequestsMax', `a batch of ${requests.length} requests`));
  }
  const txn = header.txn;
  if (txn !== undefined) {
    if (header.timestamp !== undefined) throw invalidRequest('a transactional batch takes its timestamps from the transaction, not header.timestamp');
    if (txn.status !== 'pending') throw invalidRequest(`a batch of transaction ${txn.id} in status ${txn.status}`);
    if (txn.writeTimestamp.less(txn.readTimestamp)) throw invalidRequest(`transaction ${txn.id} writes below where it reads`);
  }
  if (header.lockTimeoutMs !== undefined && !(Number.isFinite(header.lockTimeoutMs) && header.lockTimeoutMs >= 0)) {
    throw invalidRequest(`lockTimeoutMs must be a non-negative number, not ${header.lockTimeoutMs}`);
  }
  requests.forEach((request, index) => {
    if (TXN_ONLY.has(request.type) && txn === undefined) throw invalidRequest(`${request.type} needs a transaction`);
    if ((request.type === 'get' || request.type === 'scan') && request.lockStrength !== undefined) {
      if (txn === undefined) throw invalidRequest(`a locking ${request.type} needs a transaction`);
      if (txn.key.length === 0) throw invalidRequest(`a locking ${request.type} of transaction ${txn.id}, which has no anchor key (txn.key)`);
    }
    if (ANCHORED.has(request.type) && txn !== undefined && txn.key.length === 0) {
      throw invalidRequest(`${request.type} of transaction ${txn.id}, which has no anchor key (txn.key)`);
    }
    if (request.type === 'pushTxn' && requests.length !== 1) throw invalidRequest('pushTxn goes alone in its batch');
    if (request.type === 'endTxn' && index !== requests.length - 1) throw invalidRequest('endTxn must be the last request of its batch');
    validateRequest(request, rangeSpan);
  });
}

function validateRequest(request: RequestUnion, rangeSpan: KeySpan): void {
  switch (request.type) {
    case 'get':
    case 'refresh':
      checkSpan({ key: request.key }, rangeSpan);
      return;
    case 'put':
    case 'conditionalPut':
      checkSpan({ key: request.key }, rangeSpan);
      checkValue(request.value);
      if (request.type === 'conditionalPut' && request.expectedValue !== undefined) checkValue(request.expectedValue);
      checkSequence(request.sequence);
      return;
    case 'delete':
    case 'increment':
      checkSpan({ key: request.key }, rangeSpan);
      checkSequence(request.sequence);
      return;
    case 'scan':
    case 'deleteRange':
    case 'refreshRange':
    case 'resolveIntentRange':
      checkSpan({ key: request.key, endKey: request.endKey }, rangeSpan);
      return;
    case 'lock':
    case 'resolveIntent':
      checkSpan(request.type === 'lock' && request.endKey !== undefined ? { key: request.key, endKey: request.endKey } : { key: request.key }, rangeSpan);
      return;
    case 'endTxn':
      for (const span of request.lockSpans) checkSpan(span, rangeSpan);
      return;
    case 'heartbeatTxn':
    case 'pushTxn':
    case 'queryTxn':
      checkKey(request.key);
      return;
  }
}

function checkKey(key: Bytes): void {
  if (!(key instanceof Uint8Array) || key.length === 0) throw invalidRequest('a key must be a non-empty Uint8Array');
  if (key.length > keyBytesMax) throw new KvErrorThrown(limitExceeded('keyBytesMax', `a key of ${key.length} bytes`));
}

function checkValue(value: Bytes): void {
  if (!(value instanceof Uint8Array)) throw invalidRequest('a value must be a Uint8Array');
  if (value.length > valueBytesMax) throw new KvErrorThrown(limitExceeded('valueBytesMax', `a value of ${value.length} bytes`));
}

function checkSequence(sequence: number | undefined): void {
  if (sequence !== undefined && !(Number.isInteger(sequence) && sequence >= 0 && sequence <= 0xffff_ffff)) {
    throw invalidRequest(`sequence must be a 32-bit unsigned integer, not ${sequence}`);
  }
}

/** Keys in local space are never addressable; keys of another range get rangeKeyMismatch. */
function checkSpan(span: Span, rangeSpan: KeySpan): void {
  checkKey(span.key);
  if (span.endKey !== undefined) {
    checkKey(span.endKey);
    if (Buffer.compare(span.key, span.endKey) >= 0) throw invalidRequest(`empty or inverted span [${printKey(span.key)}, ${printKey(span.endKey)})`);
  }
  if (!spanContainsKey(addressableSpan, span.key)) throw invalidRequest(`key ${printKey(span.key)} is not addressable (local or out of the key space)`);
  const endInside = span.endKey === undefined || Buffer.compare(span.endKey, rangeSpan.end) <= 0;
  if (!spanContainsKey(rangeSpan, span.key) || !endInside) {
    throw new KvErrorThrown({
      type: 'rangeKeyMismatch',
      key: span.key,
      rangeStartKey: rangeSpan.start,
      rangeEndKey: rangeSpan.end,
      message: `key ${printKey(span.key)} is outside the range [${printKey(rangeSpan.start)}, ${printKey(rangeSpan.end)})`,
    });
  }
}
