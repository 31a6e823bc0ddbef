/**
 * The environment of the interaction scripts (raft/testdata/*.txt): a set of RawNodes, each with a
 * MemoryStorage and a tiny state machine, joined by a message queue that the script delivers,
 * drops or lets pile up. Every command prints what happened (Readys, messages, log lines) so that
 * a script reads as a transcript of the protocol.
 *
 * Node ids are the numbers the scripts use (1, 2, 3, ...). Randomized election timeouts are pinned
 * to electionTick (zero jitter) so that `tick-election` campaigns deterministically.
 */
import { Prng } from '../../common/prng.js';
import { DataDrivenError, type TestCase } from '../../testing/datadriven.js';
import { LevelLogger } from '../core/logger.js';
import { MemoryStorage } from '../core/memory-storage.js';
import type { RawNode } from '../core/raw-node.js';
import type { ConfState, Config, LogIndex, Message, NodeId, Snapshot } from '../core/types.js';

/** Election and heartbeat ticks of every scripted node (as in etcd's interaction tests). */
export const ELECTION_TICK = 3;
export const HEARTBEAT_TICK = 1;

/** A Prng whose draws are always 0: every randomized election timeout equals electionTick. */
export class ZeroJitterPrng extends Prng {
  constructor() {
    super(0);
  }
  override nextInt(_bound: number): number {
    return 0;
  }
}

/** The application state of one node at an applied index, kept to build snapshots from. */
export interface AppliedState {
  readonly index: LogIndex;
  readonly confState: ConfState;
  /** The state machine: the data of every applied normal entry, in order. */
  readonly values: readonly string[];
}

/**
 * The scripts' application snapshots its state machine on demand: when a leader needs a snapshot
 * for a follower, it gets one of the current applied state (so it always lists the current
 * members), as a system that streams snapshots from its state machine does. compact also records
 * a snapshot in the storage, from which a restarted node starts.
 */
export class OnDemandSnapshotStorage extends MemoryStorage {
  constructor(private readonly appliedState: () => AppliedState | undefined) {
    super();
  }

  override snapshot(): Snapshot {
    const stored = super.snapshot();
    const state = this.appliedState();
    if (state === undefined || state.index <= stored.metadata.index) return stored;
    return {
      data: new TextEncoder().encode(state.values.join(',')),
      metadata: { index: state.index, term: this.term(state.index), confState: state.confState },
    };
  }
}

export interface InteractionNode {
  readonly id: NodeId;
  rawNode: RawNode;
  readonly storage: MemoryStorage;
  /** The Config it was created with (restart reuses it). */
  readonly config: Config;
  /** The durable state machine: values applied so far and the index they reach. */
  applied: AppliedState;
  /** Every applied state, to make a snapshot at any applied index. */
  readonly history: AppliedState[];
}

export type CommandHandler = (env: InteractionEnv, tc: TestCase) => void;

export class InteractionEnv {
  readonly nodes = new Map<NodeId, InteractionNode>();
  /** Messages sent and not yet delivered or dropped, in sending order. */
  messages: Message[] = [];
  private lines: string[] = [];
  private indentation = '';
  readonly logger = new LevelLogger((line) => this.write(line), 'info');

  constructor(private readonly handlers: Readonly<Record<string, CommandHandler>>) {}

  handle(tc: TestCase): string {
    this.lines = [];
    this.indentation = '';
    const handler = this.handlers[tc.cmd];
    if (handler === undefined) throw new DataDrivenError(`${tc.pos}: unknown command ${tc.cmd}`);
    handler(this, tc);
    return this.lines.length === 0 ? 'ok' : this.lines.join('\n');
  }

  /** Appends one line of output at the current indentation. */
  write(line: string): void {
    this.lines.push(this.indentation + line);
  }

  /** Runs fn with everything it prints (log lines included) indented by two spaces. */
  indented(fn: () => void): void {
    const saved = this.indentation;
    this.indentation += '  ';
    try {
      fn();
    } finally {
      this.indentation = saved;
    }
  }

  node(id: number, tc: TestCase): InteractionNode {
    const n = this.nodes.get(id as NodeId);
    if (n === undefined) throw new DataDrivenError(`${tc.pos}: no node ${id}`);
    return n;
  }

  /** The nodes named by the positional arguments (bare integers), or all nodes if none. */
  nodesFromArgs(tc: TestCase): InteractionNode[] {
    const ids = tc.cmdArgs.filter((a) => a.vals.length === 0 && /^\d+$/.test(a.key)).map((a) => Number(a.key));
    if (ids.length === 0) return [...this.nodes.values()].sort((a, b) => a.id - b.id);
    return ids.map((id) => this.node(id, tc));
  }

  /** The first positional argument as a node. */
  firstNode(tc: TestCase): InteractionNode {
    const arg = tc.cmdArgs[0];
    if (arg === undefined || arg.vals.length !== 0) throw new DataDrivenError(`${tc.pos}: ${tc.cmd} needs a node id first`);
    return this.node(Number(arg.key), tc);
  }
}
