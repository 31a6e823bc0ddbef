/**
 * The replicated state machine of the simulator: a map of string registers with client
 * sessions. A command carries (clientId, requestId); a client has one request in flight at a
 * time and its ids only grow, so a command whose id is not above the client's last applied one
 * is a duplicate (a proposal the network delivered twice, or a retry) and changes nothing.
 */
import { assert } from '../../common/assert.js';
import type { KvInput, KvOutput } from '../../common/linearizability/kv-model.js';

export interface KvCommand {
  readonly clientId: number;
  readonly requestId: number;
  readonly input: KvInput;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCommand(command: KvCommand): Uint8Array {
  return encoder.encode(JSON.stringify(command));
}

/** The command in an entry's data, or undefined for an empty entry (a new leader's no-op). */
export function decodeCommand(data: Uint8Array): KvCommand | undefined {
  if (data.length === 0) return undefined;
  const command = JSON.parse(decoder.decode(data)) as KvCommand;
  assert(typeof command.clientId === 'number' && typeof command.requestId === 'number', 'malformed kv command');
  return command;
}

export class KvStateMachine {
  private readonly values = new Map<string, string>();
  private readonly lastRequestByClient = new Map<number, number>();

  /** Applies a command; undefined when it is a duplicate and was skipped. */
  apply(command: KvCommand): KvOutput | undefined {
    const last = this.lastRequestByClient.get(command.clientId) ?? -1;
    if (command.requestId <= last) return undefined;
    this.lastRequestByClient.set(command.clientId, command.requestId);
    const input = command.input;
    const current = this.values.get(input.key);
    switch (input.kind) {
      case 'get':
        return { kind: 'get', value: current };
      case 'put':
        this.values.set(input.key, input.value);
        return { kind: 'put' };
      case 'cas': {
        const swapped = current === input.expected;
        if (swapped) this.values.set(input.key, input.value);
        return { kind: 'cas', swapped };
      }
      case 'append':
        this.values.set(input.key, (current ?? '') + input.value);
        return { kind: 'append' };
    }
  }

  read(key: string): string | undefined {
    return this.values.get(key);
  }

  /** The whole state as snapshot data. */
  encode(): Uint8Array {
    return encoder.encode(JSON.stringify({ values: [...this.values], sessions: [...this.lastRequestByClient] }));
  }

  static decode(data: Uint8Array): KvStateMachine {
    const machine = new KvStateMachine();
    // The bootstrap snapshot of a new group carries no data: the empty state.
    if (data.length === 0) return machine;
    const parsed = JSON.parse(decoder.decode(data)) as { values: [string, string][]; sessions: [number, number][] };
    for (const [key, value] of parsed.values) machine.values.set(key, value);
    for (const [client, request] of parsed.sessions) machine.lastRequestByClient.set(client, request);
    return machine;
  }
}
