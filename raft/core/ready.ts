/**
 * Ready: everything the core needs the outside world to do, gathered since the last advance.
 */
import type { Entry, HardState, Message, ReadState, Snapshot, SoftState } from './types.js';

/**
 * Everything the core needs the outside world to do, in this order:
 *
 * 1. Persist, synced to disk when `mustSync`:
 *    a. `snapshot`, if present (replacing the log up to its index),
 *    b. `entries` (appended; an entry at an index already in storage replaces it and everything
 *       after it),
 *    c. `hardState`, if present.
 *    All of this BEFORE any message of this Ready is sent: a vote or an acknowledged append must
 *    be durable before anyone hears of it, or a crash could make this node vote twice in one term
 *    or forget entries a leader has counted toward a commit.
 * 2. Send `messages` (in any order; they may be dropped, duplicated or delayed; the protocol
 *    tolerates it).
 * 3. Apply `snapshot` (if any) to the state machine, then apply `committedEntries` in order. For a
 *    'confChange' entry, decode it and call RawNode.applyConfChange. Serve `readStates` once the
 *    applied index reaches each one's index.
 * 4. Call RawNode.advance(ready). Only then may RawNode.ready be called again.
 *
 * Between ready() and advance() the caller may still step messages, tick and propose; anything
 * they produce comes in the next Ready.
 */
export interface Ready {
  /** Present when the leader or this node's role changed. Never needs persisting. */
  readonly softState?: SoftState;
  /** Present when term, vote or commit changed: persist before sending. */
  readonly hardState?: HardState;
  /** Answers to read requests (RawNode.readIndex), in request order. */
  readonly readStates: readonly ReadState[];
  /** New log entries to append to storage before sending messages. */
  readonly entries: readonly Entry[];
  /** A snapshot to install (received from a leader) before sending messages. */
  readonly snapshot?: Snapshot;
  /**
   * Entries known to be committed, to apply to the state machine. They may include entries of
   * this same Ready's `entries`: persisting comes first, so that is safe.
   */
  readonly committedEntries: readonly Entry[];
  /** Messages to send, after persisting. */
  readonly messages: readonly Message[];
  /**
   * True when the hard state's term or vote changed, or entries or a snapshot are to be written:
   * those writes must be synced (fsync) before sending. Commit-only changes may be written lazily.
   */
  readonly mustSync: boolean;
}

export function isHardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export function isSoftStateEqual(a: SoftState, b: SoftState): boolean {
  return a.lead === b.lead && a.role === b.role;
}

/**
 * Whether the writes of a Ready must be synced: a changed term or vote, or new entries. A
 * changed commit index alone can be recomputed after a crash, so it may be written lazily.
 */
export function mustSync(current: HardState, previous: HardState, entriesCount: number): boolean {
  return entriesCount !== 0 || current.vote !== previous.vote || current.term !== previous.term;
}
