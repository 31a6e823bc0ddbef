import { describe, expect, it } from 'vitest';
import { LatchManager, latchesConflict, type LatchSpan } from './latch-manager.js';
import { keyNext } from './spans.js';

const b = (text: string): Uint8Array => new TextEncoder().encode(text);
const point = (key: string, access: 'read' | 'write'): LatchSpan => ({ start: b(key), end: keyNext(b(key)), access });
const range = (start: string, end: string, access: 'read' | 'write'): LatchSpan => ({ start: b(start), end: b(end), access });

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('latch conflicts', () => {
  it('serialises overlapping spans when one writes, and only then', () => {
    expect(latchesConflict([point('a', 'read')], [point('a', 'read')])).toBe(false);
    expect(latchesConflict([point('a', 'read')], [point('a', 'write')])).toBe(true);
    expect(latchesConflict([point('a', 'write')], [point('b', 'write')])).toBe(false);
    expect(latchesConflict([range('a', 'c', 'write')], [point('b', 'read')])).toBe(true);
    // Half-open: [a, b) does not touch b.
    expect(latchesConflict([range('a', 'b', 'write')], [point('b', 'write')])).toBe(false);
    // A point key and its extension are different keys.
    expect(latchesConflict([point('a', 'write')], [point('a\u0000', 'write')])).toBe(false);
  });
});

describe('LatchManager', () => {
  it('lets readers share and makes a writer wait for them, and later readers wait for the writer', async () => {
    const latches = new LatchManager();
    const r1 = await latches.acquire([point('k', 'read')]);
    const r2 = await latches.acquire([point('k', 'read')]);
    const order: string[] = [];
    const writer = latches.acquire([point('k', 'write')]).then((g) => (order.push('writer'), g));
    const reader3 = latches.acquire([point('k', 'read')]).then((g) => (order.push('reader3'), g));
    await flush();
    expect(order).toEqual([]);
    latches.release(r1);
    await flush();
    expect(order).toEqual([]);
    latches.release(r2);
    const w = await writer;
    await flush();
    // The third reader arrived after the writer: it waits for it (FIFO), no starvation.
    expect(order).toEqual(['writer']);
    latches.release(w);
    latches.release(await reader3);
    expect(order).toEqual(['writer', 'reader3']);
    expect(latches.size).toBe(0);
  });

  it('runs non-overlapping writers concurrently and acquires all spans of a request together', async () => {
    const latches = new LatchManager();
    const a = await latches.acquire([point('a', 'write')]);
    const bGuard = await latches.acquire([point('b', 'write')]);
    let both = false;
    const ab = latches.acquire([point('a', 'write'), point('b', 'write')]).then((g) => ((both = true), g));
    latches.release(a);
    await flush();
    expect(both).toBe(false);
    latches.release(bGuard);
    latches.release(await ab);
    expect(both).toBe(true);
  });

  it('tryAcquire refuses while a conflicting guard exists', async () => {
    const latches = new LatchManager();
    const guard = await latches.acquire([range('a', 'z', 'write')]);
    expect(latches.tryAcquire([point('m', 'read')])).toBeUndefined();
    latches.release(guard);
    const next = latches.tryAcquire([point('m', 'read')]);
    expect(next).toBeDefined();
    if (next !== undefined) latches.release(next);
    expect(() => latches.release(guard)).toThrow(/twice/);
  });
});
