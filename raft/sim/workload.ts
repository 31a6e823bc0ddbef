/**
 * The simulated clients: each has at most one request in flight, sends it to the node it
 * believes leads (or any node), and gives up after a timeout, leaving the operation's outcome
 * unknown. Writes (put, compare-and-swap, append) go through the log; reads use ReadIndex. The
 * history they record is what the linearizability checker judges.
 */
import type { Operation } from '../../common/linearizability/history.js';
import type { KvInput, KvOutput } from '../../common/linearizability/kv-model.js';
import type { Prng } from '../../common/prng.js';
import type { NodeId } from '../core/types.js';

export interface WorkloadOptions {
  readonly clients: number;
  readonly keys: number;
  /** Steps a client waits for an answer before giving up. */
  readonly timeoutSteps: number;
  /** Steps a client waits between requests, at most. */
  readonly thinkStepsMax: number;
}

/** What a client can do to the cluster: the simulator routes requests to nodes. */
export interface ClientGateway {
  /** Nodes a client may contact (running or not: a down node refuses at once). */
  members(): readonly NodeId[];
  /** The leader the node believes in, if it is up and knows one. */
  leaderHint(node: NodeId): NodeId | undefined;
  /** Submits a request at node: accepted (an answer may follow), or refused at once. */
  submit(node: NodeId, request: ClientRequest): 'accepted' | 'refused';
}

export interface ClientRequest {
  readonly clientId: number;
  readonly requestId: number;
  readonly input: KvInput;
}

interface RecordedOperation {
  readonly clientId: number;
  readonly requestId: number;
  readonly input: KvInput;
  readonly callTime: number;
  completion: { output: KvOutput; returnTime: number } | undefined;
}

interface ClientState {
  readonly id: number;
  nextRequestId: number;
  inFlight: { readonly requestId: number; readonly record: RecordedOperation; readonly deadline: number } | undefined;
  nextActionAt: number;
  lastNode: NodeId | undefined;
}

export interface WorkloadStats {
  issued: number;
  completed: number;
  timedOut: number;
  refused: number;
}

export class Workload {
  private readonly clients: ClientState[];
  private readonly records: RecordedOperation[] = [];
  private valueCounter = 0;
  readonly stats: WorkloadStats = { issued: 0, completed: 0, timedOut: 0, refused: 0 };

  constructor(
    private readonly prng: Prng,
    private readonly options: WorkloadOptions,
  ) {
    this.clients = Array.from({ length: options.clients }, (_, i) => ({
      id: i + 1,
      nextRequestId: 1,
      inFlight: undefined,
      nextActionAt: prng.nextInt(options.thinkStepsMax + 1),
      lastNode: undefined,
    }));
  }

  /** Lets every idle client whose time has come issue its next request. */
  act(now: number, gateway: ClientGateway): void {
    for (const client of this.clients) {
      if (client.inFlight !== undefined && now >= client.inFlight.deadline) {
        // Gave up: the operation may or may not have taken effect.
        client.inFlight = undefined;
        client.lastNode = undefined;
        client.nextActionAt = now + this.prng.nextInt(this.options.thinkStepsMax + 1);
        this.stats.timedOut++;
      }
      if (client.inFlight !== undefined || now < client.nextActionAt) continue;
      this.issue(client, now, gateway);
    }
  }

  /** The answer to a request arrived at the client. Late answers (after a timeout) are ignored. */
  complete(clientId: number, requestId: number, output: KvOutput, now: number): void {
    const client = this.clients[clientId - 1];
    if (client?.inFlight === undefined || client.inFlight.requestId !== requestId) return;
    client.inFlight.record.completion = { output, returnTime: now };
    client.inFlight = undefined;
    client.nextActionAt = now + this.prng.nextInt(this.options.thinkStepsMax + 1);
    this.stats.completed++;
  }

  /**
   * The history for the checker. everApplied says whether any node ever applied a write: a write
   * that never returned and that no node applied by the end of the run had no effect anyone
   * could observe, so it is left out (otherwise each one multiplies the orders the checker must
   * try). Reads that never returned are left out by the checker itself.
   */
  history(everApplied: (clientId: number, requestId: number) => boolean = () => true): Operation<KvInput, KvOutput>[] {
    return this.records
      .filter((r) => r.completion !== undefined || r.input.kind === 'get' || everApplied(r.clientId, r.requestId))
      .map((r) => ({ clientId: r.clientId, input: r.input, callTime: r.callTime, completion: r.completion }));
  }

  private issue(client: ClientState, now: number, gateway: ClientGateway): void {
    const members = gateway.members();
    if (members.length === 0) return;
    const hinted = client.lastNode === undefined ? undefined : gateway.leaderHint(client.lastNode);
    const node = hinted !== undefined && this.prng.chance(0.8) ? hinted : this.prng.pick(members);
    const requestId = client.nextRequestId++;
    const input = this.randomInput();
    const request: ClientRequest = { clientId: client.id, requestId, input };
    if (gateway.submit(node, request) === 'refused') {
      // Refused at once (node down, no leader, ...): it never took effect, so it is not history.
      this.stats.refused++;
      client.lastNode = undefined;
      client.nextActionAt = now + 1 + this.prng.nextInt(this.options.thinkStepsMax + 1);
      return;
    }
    const record: RecordedOperation = { clientId: client.id, requestId, input, callTime: now, completion: undefined };
    this.records.push(record);
    this.stats.issued++;
    client.lastNode = node;
    client.inFlight = { requestId, record, deadline: now + this.options.timeoutSteps };
  }

  private randomInput(): KvInput {
    const key = `k${this.prng.nextInt(this.options.keys)}`;
    const roll = this.prng.nextInt(20);
    if (roll < 8) return { kind: 'get', key };
    if (roll < 13) return { kind: 'put', key, value: `v${++this.valueCounter}` };
    if (roll < 17) {
      // Expect one of the recent values so that some swaps succeed.
      const expected = this.prng.chance(0.2) ? undefined : `v${Math.max(1, this.valueCounter - this.prng.nextInt(3))}`;
      return { kind: 'cas', key, expected, value: `v${++this.valueCounter}` };
    }
    return { kind: 'append', key, value: `.${++this.valueCounter}` };
  }
}
