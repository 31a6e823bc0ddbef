/**
 * The simulated network: every message gets a delivery time on the virtual clock, and may be
 * dropped, duplicated, or delayed long enough to overtake later ones. Partitions cut links for a
 * while; a message is dropped if its link is cut when it is sent or when it would arrive.
 */
import type { Prng } from '../../common/prng.js';
import type { Message, NodeId } from '../core/types.js';

export interface NetworkFaults {
  /** Probability that a message is lost. */
  readonly dropProbability: number;
  /** Probability that a message is delivered twice (each copy with its own delay). */
  readonly duplicateProbability: number;
  /** Usual delay range, in steps of the virtual clock. */
  readonly delayStepsMin: number;
  readonly delayStepsMax: number;
  /** Probability that a message is held much longer (up to longDelayStepsMax): reordering. */
  readonly longDelayProbability: number;
  readonly longDelayStepsMax: number;
}

interface InFlight {
  readonly deliverAt: number;
  readonly seq: number;
  readonly message: Message;
}

export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
}

/** One partition's cut links, to heal it later. */
export interface Cut {
  readonly pairs: readonly string[];
}

function linkKey(a: NodeId, b: NodeId): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

export class SimNetwork {
  private readonly heap: InFlight[] = [];
  private seq = 0;
  /** Links cut by partitions, as "low-high" node pairs, with how many partitions cut each. */
  private readonly cutLinks = new Map<string, number>();
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };

  constructor(
    private readonly prng: Prng,
    private readonly faults: NetworkFaults,
  ) {}

  send(message: Message, now: number): void {
    this.stats.sent++;
    if (!this.connected(message.from, message.to) || this.prng.chance(this.faults.dropProbability)) {
      this.stats.dropped++;
      return;
    }
    this.enqueue(message, now);
    if (this.prng.chance(this.faults.duplicateProbability)) {
      this.stats.duplicated++;
      this.enqueue(message, now);
    }
  }

  /**
   * Removes and returns, in delivery order, the messages due by now whose link is up and whose
   * target is running (the rest are dropped).
   */
  deliverDue(now: number, isRunning: (node: NodeId) => boolean): Message[] {
    const due: Message[] = [];
    while (this.heap.length > 0 && (this.heap[0] as InFlight).deliverAt <= now) {
      const { message } = this.pop();
      if (this.connected(message.from, message.to) && isRunning(message.to)) {
        due.push(message);
        this.stats.delivered++;
      } else {
        this.stats.dropped++;
      }
    }
    return due;
  }

  /**
   * Cuts every link between nodes on different sides until heal(cut) is called. Cuts may overlap:
   * a link is up only when no cut holds it. A node on no side keeps its links.
   */
  partition(sides: readonly (readonly NodeId[])[]): Cut {
    const pairs: string[] = [];
    for (let i = 0; i < sides.length; i++) {
      for (let j = i + 1; j < sides.length; j++) {
        for (const a of sides[i]!) for (const b of sides[j]!) pairs.push(linkKey(a, b));
      }
    }
    for (const pair of pairs) this.cutLinks.set(pair, (this.cutLinks.get(pair) ?? 0) + 1);
    return { pairs };
  }

  heal(cut: Cut): void {
    for (const pair of cut.pairs) {
      const count = (this.cutLinks.get(pair) ?? 0) - 1;
      if (count <= 0) this.cutLinks.delete(pair);
      else this.cutLinks.set(pair, count);
    }
  }

  get inFlight(): number {
    return this.heap.length;
  }

  private connected(a: NodeId, b: NodeId): boolean {
    return this.cutLinks.size === 0 || !this.cutLinks.has(linkKey(a, b));
  }

  private enqueue(message: Message, now: number): void {
    const f = this.faults;
    const delay = this.prng.chance(f.longDelayProbability)
      ? f.delayStepsMin + this.prng.nextInt(f.longDelayStepsMax - f.delayStepsMin + 1)
      : f.delayStepsMin + this.prng.nextInt(f.delayStepsMax - f.delayStepsMin + 1);
    this.push({ deliverAt: now + delay, seq: this.seq++, message });
  }

  // A binary min-heap on (deliverAt, seq): equal times keep send order, so runs replay exactly.
  private push(item: InFlight): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, heap[parent] as InFlight)) break;
      heap[i] = heap[parent] as InFlight;
      i = parent;
    }
    heap[i] = item;
  }

  private pop(): InFlight {
    const heap = this.heap;
    const top = heap[0] as InFlight;
    const last = heap.pop() as InFlight;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right] as InFlight, heap[left] as InFlight) ? right : left;
        if (!before(heap[child] as InFlight, last)) break;
        heap[i] = heap[child] as InFlight;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}

function before(a: InFlight, b: InFlight): boolean {
  return a.deliverAt < b.deliverAt || (a.deliverAt === b.deliverAt && a.seq < b.seq);
}
