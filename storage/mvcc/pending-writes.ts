/**
 * The writes of an indexed batch, in key order: a skip list of engine keys to the last value put
 * (or undefined for a delete). Nodes are never removed (a delete after a put just changes the
 * node's value), so a node held by a cursor stays valid while more writes arrive.
 */
import { Prng } from '../../common/prng.js';
import type { Bytes } from '../engine.js';

const HEIGHT_MAX = 12;
/** One node in four rises a level, as in LevelDB's memtable. */
const BRANCHING = 4;

export interface PendingNode {
  readonly key: Bytes;
  /** The value to put, or undefined to delete. */
  value: Bytes | undefined;
  readonly next: (PendingNode | undefined)[];
}

/** Bytewise order without a native call per comparison (Buffer.compare crosses into C++). */
export function compareKeys(a: Bytes, b: Bytes): number {
  const length = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

export class PendingWrites {
  /** Distinct keys written. */
  size = 0;
  private readonly head: PendingNode = { key: new Uint8Array(0), value: undefined, next: new Array(HEIGHT_MAX).fill(undefined) };
  private height = 1;
  /** Heights are random but replay: the same writes give the same shape. */
  private readonly prng = new Prng(0x6a7c_4e21);
  private readonly predecessors: PendingNode[] = new Array<PendingNode>(HEIGHT_MAX).fill(this.head);

  /** Records the write; a later write of the same key replaces the earlier one. */
  set(key: Bytes, value: Bytes | undefined): void {
    const found = this.seekGE(key, true);
    if (found !== undefined && compareKeys(found.key, key) === 0) {
      found.value = value;
      return;
    }
    let nodeHeight = 1;
    while (nodeHeight < HEIGHT_MAX && this.prng.nextInt(BRANCHING) === 0) nodeHeight++;
    for (let level = this.height; level < nodeHeight; level++) this.predecessors[level] = this.head;
    if (nodeHeight > this.height) this.height = nodeHeight;
    const node: PendingNode = { key, value, next: new Array<PendingNode | undefined>(nodeHeight) };
    for (let level = 0; level < nodeHeight; level++) {
      const predecessor = this.predecessors[level] as PendingNode;
      node.next[level] = predecessor.next[level];
      predecessor.next[level] = node;
    }
    this.size++;
  }

  /** The node of key, if it was written. */
  find(key: Bytes): PendingNode | undefined {
    const node = this.seekGE(key, false);
    return node !== undefined && compareKeys(node.key, key) === 0 ? node : undefined;
  }

  /** The first node with key >= target. */
  seekGE(target: Bytes, recordPredecessors = false): PendingNode | undefined {
    let node = this.head;
    for (let level = this.height - 1; level >= 0; level--) {
      for (;;) {
        const next = node.next[level];
        if (next === undefined || compareKeys(next.key, target) >= 0) break;
        node = next;
      }
      if (recordPredecessors) this.predecessors[level] = node;
    }
    return node.next[0];
  }

  /** The last node with key < target (key <= target when inclusive); the last of all when target is undefined. */
  seekLast(target: Bytes | undefined, inclusive: boolean): PendingNode | undefined {
    let node = this.head;
    for (let level = this.height - 1; level >= 0; level--) {
      for (;;) {
        const next = node.next[level];
        if (next === undefined) break;
        if (target !== undefined) {
          const cmp = compareKeys(next.key, target);
          if (inclusive ? cmp > 0 : cmp >= 0) break;
        }
        node = next;
      }
    }
    return node === this.head ? undefined : node;
  }

  first(): PendingNode | undefined {
    return this.head.next[0];
  }
}
