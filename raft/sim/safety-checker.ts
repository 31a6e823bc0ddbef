/**
 * The safety properties of Raft (Ongaro & Ousterhout 2014, Figure 3), checked as the simulation
 * runs:
 * - Election Safety: "at most one leader can be elected in a given term";
 * - Log Matching: "if two logs contain an entry with the same index and term, then the logs are
 *   identical in all entries up through the given index";
 * - Leader Completeness: "if a log entry is committed in a given term, then that entry will be
 *   present in the logs of the leaders for all higher-numbered terms";
 * - State Machine Safety: "if a server has applied a log entry at a given index to its state
 *   machine, no other server will ever apply a different log entry for the same index".
 * and, unless turned off, the commit rule of section 5.4.2 that Leader Completeness rests on. A
 * broken property throws a SafetyViolation at once, with what was seen.
 */
import type { Entry, LogIndex, NodeId, Storage, Term } from '../core/types.js';

export interface SafetyCheckOptions {
  /**
   * Also check the rule behind Leader Completeness directly: a leader advances its commit index
   * only to an entry of its own term (section 5.4.2). Turned off to show that the properties
   * above catch a breach of it on their own.
   */
  readonly commitRule: boolean;
}

export class SafetyViolation extends Error {
  override readonly name = 'SafetyViolation';
}

interface EntryIdentity {
  readonly term: Term;
  /** The entry's data as text: small commands, compared exactly. */
  readonly data: string;
}

interface CommittedEntry extends EntryIdentity {
  /** The lowest leader term seen committing it: leaders of later terms must hold it. */
  commitTerm: Term;
  readonly witness: NodeId;
}

export class SafetyChecker {
  private readonly leaderByTerm = new Map<Term, NodeId>();
  private readonly committed: (CommittedEntry | undefined)[] = [];
  private readonly applied: ({ entry: EntryIdentity; node: NodeId } | undefined)[] = [];
  electionsObserved = 0;

  constructor(private readonly options: SafetyCheckOptions = { commitRule: true }) {}

  /** node is leader in term; its log (as persisted) must hold every entry committed earlier. */
  observeLeader(node: NodeId, term: Term, log: Storage): void {
    const previous = this.leaderByTerm.get(term);
    if (previous !== undefined && previous !== node) {
      throw new SafetyViolation(`election safety: nodes ${previous} and ${node} are both leaders of term ${term}`);
    }
    if (previous === undefined) this.electionsObserved++;
    this.leaderByTerm.set(term, node);
    const first = log.firstIndex();
    for (let i = first; i < this.committed.length; i++) {
      const entry = this.committed[i];
      if (entry === undefined || entry.commitTerm >= term) continue;
      if (i > log.lastIndex()) {
        throw new SafetyViolation(
          `leader completeness: node ${node} leads term ${term} with last index ${log.lastIndex()}, ` +
            `but index ${i} (term ${entry.term}) was committed in term ${entry.commitTerm} (seen on node ${entry.witness})`,
        );
      }
      const held = log.term(i as LogIndex);
      if (held !== entry.term) {
        throw new SafetyViolation(
          `leader completeness: node ${node} leads term ${term} holding term ${held} at index ${i}, ` +
            `but the entry of term ${entry.term} there was committed in term ${entry.commitTerm} (seen on node ${entry.witness})`,
        );
      }
    }
  }

  /** The leader of term advanced its commit index over (from, to]: those entries are committed. */
  observeCommit(node: NodeId, term: Term, from: LogIndex, to: LogIndex, log: Storage): void {
    const committedTerm = log.term(to);
    if (this.options.commitRule && committedTerm !== term) {
      throw new SafetyViolation(
        `commit rule: node ${node}, leader of term ${term}, advanced its commit index to ${to}, an entry of term ${committedTerm}; ` +
          `"only log entries from the leader's current term are committed by counting replicas" (section 5.4.2)`,
      );
    }
    for (let i = Math.max(from + 1, log.firstIndex()); i <= to; i++) {
      const [entry] = log.entries(i as LogIndex, (i + 1) as LogIndex, Number.MAX_SAFE_INTEGER);
      if (entry === undefined) continue;
      const identity = identify(entry);
      const known = this.committed[i];
      if (known === undefined) {
        this.committed[i] = { ...identity, commitTerm: term, witness: node };
        continue;
      }
      if (known.term !== identity.term || known.data !== identity.data) {
        throw new SafetyViolation(
          `state machine safety: index ${i} committed as term ${known.term} (by node ${known.witness} in term ${known.commitTerm}) ` +
            `and again as term ${identity.term} by node ${node} in term ${term}`,
        );
      }
      if (term < known.commitTerm) known.commitTerm = term;
    }
  }

  /** node applied entry to its state machine. */
  observeApply(node: NodeId, entry: Entry): void {
    const identity = identify(entry);
    const known = this.applied[entry.index];
    if (known === undefined) {
      this.applied[entry.index] = { entry: identity, node };
      return;
    }
    if (known.entry.term !== identity.term || known.entry.data !== identity.data) {
      throw new SafetyViolation(
        `state machine safety: node ${known.node} applied term ${known.entry.term} at index ${entry.index}, ` +
          `node ${node} applied term ${identity.term} (${identity.data || 'empty'} vs ${known.entry.data || 'empty'})`,
      );
    }
  }

  /** Log Matching over every pair of the given logs. */
  checkLogMatching(logs: readonly { readonly node: NodeId; readonly log: Storage }[]): void {
    for (let a = 0; a < logs.length; a++) {
      for (let b = a + 1; b < logs.length; b++) checkPair(logs[a]!, logs[b]!);
    }
  }

  get highestCommittedIndex(): number {
    return this.committed.length - 1;
  }
}

function identify(entry: Entry): EntryIdentity {
  return { term: entry.term, data: entry.type === 'confChange' ? `conf:${Buffer.from(entry.data).toString('hex')}` : Buffer.from(entry.data).toString('latin1') };
}

function checkPair(a: { node: NodeId; log: Storage }, b: { node: NodeId; log: Storage }): void {
  const low = Math.max(a.log.firstIndex(), b.log.firstIndex());
  const high = Math.min(a.log.lastIndex(), b.log.lastIndex());
  if (low > high) return;
  const entriesA = a.log.entries(low as LogIndex, (high + 1) as LogIndex, Number.MAX_SAFE_INTEGER);
  const entriesB = b.log.entries(low as LogIndex, (high + 1) as LogIndex, Number.MAX_SAFE_INTEGER);
  // The highest index where the terms agree: everything at and below it must be identical.
  let match = -1;
  for (let k = entriesA.length - 1; k >= 0; k--) {
    if (entriesA[k]!.term === entriesB[k]!.term) {
      match = k;
      break;
    }
  }
  for (let k = 0; k <= match; k++) {
    const x = identify(entriesA[k]!);
    const y = identify(entriesB[k]!);
    if (x.term !== y.term || x.data !== y.data) {
      throw new SafetyViolation(
        `log matching: nodes ${a.node} and ${b.node} agree on term ${entriesA[match]!.term} at index ${low + match} ` +
          `but differ at index ${low + k} (terms ${x.term} and ${y.term})`,
      );
    }
  }
}
