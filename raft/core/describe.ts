/**
 * Human-readable renderings of entries, messages, states and Readys, for logs and for the
 * interaction tests' expected output. One line per message, in the style of etcd's raft
 * (`1->2 MsgApp Term:1 Log:1/2 Commit:2 Entries:[1/3 EntryNormal "a"]`).
 */
import { describeConfChange } from './conf-change.js';
import { decodeConfChange } from './conf-change-codec.js';
import type { Ready } from './ready.js';
import type { ConfState, Entry, HardState, Message, Snapshot, SoftState } from './types.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Printable UTF-8 shows as a quoted string, anything else as hex. */
export function describeData(data: Uint8Array): string {
  try {
    const text = decoder.decode(data);
    if (!/[\u0000-\u001f\u007f]/.test(text)) return JSON.stringify(text);
  } catch {
    // Not UTF-8: fall through to hex.
  }
  let hex = '';
  for (const b of data) hex += b.toString(16).padStart(2, '0');
  return `0x${hex}`;
}

export function describeEntry(e: Entry): string {
  if (e.type === 'confChange') {
    let body: string;
    try {
      body = describeConfChange(decodeConfChange(e.data));
    } catch {
      body = describeData(e.data);
    }
    return `${e.term}/${e.index} EntryConfChange ${body}`;
  }
  return `${e.term}/${e.index} EntryNormal ${describeData(e.data)}`;
}

export function describeEntries(entries: readonly Entry[]): string {
  return `[${entries.map(describeEntry).join(', ')}]`;
}

export function describeConfState(cs: ConfState): string {
  let s = `Voters:[${cs.voters.join(' ')}] VotersOutgoing:[${cs.votersOutgoing.join(' ')}] Learners:[${cs.learners.join(' ')}] LearnersNext:[${cs.learnersNext.join(' ')}]`;
  if (cs.autoLeave) s += ' AutoLeave';
  return s;
}

export function describeSnapshot(snapshot: Snapshot): string {
  const md = snapshot.metadata;
  return `Index:${md.index} Term:${md.term} ConfState:${describeConfState(md.confState)}`;
}

export function describeHardState(hs: HardState): string {
  return `Term:${hs.term} Vote:${hs.vote} Commit:${hs.commit}`;
}

export function describeSoftState(ss: SoftState): string {
  return `Lead:${ss.lead} Role:${ss.role}`;
}

export function describeMessage(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} Term:${m.term}`;
  switch (m.type) {
    case 'MsgHup':
    case 'MsgBeat':
    case 'MsgCheckQuorum':
    case 'MsgTimeoutNow':
    case 'MsgUnreachable':
      return head;
    case 'MsgProp':
      return `${head} Entries:${describeEntries(m.entries)}`;
    case 'MsgApp': {
      let s = `${head} Log:${m.logTerm}/${m.index} Commit:${m.commit}`;
      if (m.entries.length > 0) s += ` Entries:${describeEntries(m.entries)}`;
      return s;
    }
    case 'MsgAppResp':
      return m.reject
        ? `${head} Index:${m.index} Rejected (Hint: ${m.rejectHintTerm}/${m.rejectHintIndex})`
        : `${head} Index:${m.index}`;
    case 'MsgVote':
    case 'MsgPreVote':
      return `${head} Log:${m.logTerm}/${m.index}${m.leaderTransfer ? ' Transfer' : ''}`;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return m.reject ? `${head} Rejected` : head;
    case 'MsgHeartbeat':
      return `${head} Commit:${m.commit}${m.context.byteLength > 0 ? ` Context:${describeData(m.context)}` : ''}`;
    case 'MsgHeartbeatResp':
      return m.context.byteLength > 0 ? `${head} Context:${describeData(m.context)}` : head;
    case 'MsgSnap':
      return `${head} Snapshot: ${describeSnapshot(m.snapshot)}`;
    case 'MsgReadIndex':
      return `${head} Context:${describeData(m.context)}`;
    case 'MsgReadIndexResp':
      return `${head} Index:${m.index} Context:${describeData(m.context)}`;
    case 'MsgTransferLeader':
      return `${head} Transferee:${m.transferee}`;
    case 'MsgSnapStatus':
      return m.reject ? `${head} Rejected` : head;
  }
}

/** A Ready as indented lines (empty parts left out). */
export function describeReady(rd: Ready): string[] {
  const lines: string[] = [`Ready MustSync=${rd.mustSync}:`];
  if (rd.softState !== undefined) lines.push(describeSoftState(rd.softState));
  if (rd.hardState !== undefined) lines.push(`HardState ${describeHardState(rd.hardState)}`);
  if (rd.readStates.length > 0) {
    lines.push('ReadStates:');
    for (const rs of rd.readStates) lines.push(`  Index:${rs.index} Context:${describeData(rs.requestContext)}`);
  }
  if (rd.entries.length > 0) {
    lines.push('Entries:');
    for (const e of rd.entries) lines.push(`  ${describeEntry(e)}`);
  }
  if (rd.snapshot !== undefined) lines.push(`Snapshot ${describeSnapshot(rd.snapshot)}`);
  if (rd.committedEntries.length > 0) {
    lines.push('CommittedEntries:');
    for (const e of rd.committedEntries) lines.push(`  ${describeEntry(e)}`);
  }
  if (rd.messages.length > 0) {
    lines.push('Messages:');
    for (const m of rd.messages) lines.push(`  ${describeMessage(m)}`);
  }
  return lines;
}
