/**
 * The in-process KV server: a store with one replica covering every addressable key, served
 * through the KvSender interface. The client (client/kv) talks to it exactly as it will talk to a
 * cluster through gRPC; the cluster work replaces this with range routing and many replicas.
 *
 * It is also the replicas' router: a push or a resolution a replica sends for some key comes back
 * here and goes to the replica holding that key (today, the only one).
 */
import { TXN_EXPIRATION_MS_DEFAULT, type BatchRequest, type BatchResponse, type KvSender } from '../../proto/kv-api.js';
import type { Engine } from '../../storage/engine.js';
import { Clock } from '../../storage/hlc.js';
import { addressableSpan } from '../../storage/keys.js';
import type { InternalSender, SendOptions } from '../replica/internal-sender.js';
import { Replica } from '../replica/replica.js';
import { realTimers, type Timers } from '../replica/timers.js';

export interface LocalKvServerOptions {
  /** The engine to serve; the caller owns it (close() leaves it open). */
  readonly engine: Engine;
  /** The node's clock; by default the system clock with a 500 ms maximum offset. */
  readonly clock?: Clock;
  /** Timers for waiters (lock timeouts, expiry re-checks); ManualTimers in deterministic tests. */
  readonly timers?: Timers;
  /** A pending transaction silent this long may be aborted by any pusher. */
  readonly txnExpirationMs?: number;
  /** Sync every engine write (default true). Tests over memory engines may turn it off. */
  readonly syncWrites?: boolean;
  /** Failures of background work (asynchronous intent resolution); by default, ignored. */
  readonly onBackgroundError?: (err: unknown) => void;
  /** Tests only: see ReplicaOptions. */
  readonly testing?: { readonly endTxnLocalResolveKeysMax?: number };
}

const DEFAULT_MAX_OFFSET_NANOS = 500_000_000n;
const THE_RANGE_ID = 1;

export class LocalKvServer implements KvSender, InternalSender {
  private constructor(
    readonly clock: Clock,
    readonly replica: Replica,
  ) {}

  static async start(options: LocalKvServerOptions): Promise<LocalKvServer> {
    const clock = options.clock ?? new Clock({ maxOffsetNanos: DEFAULT_MAX_OFFSET_NANOS });
    // The replica needs its router before the server exists; nothing is routed until start() ends.
    const routing: { server?: LocalKvServer } = {};
    const router: InternalSender = {
      send: (batch, sendOptions) => {
        if (routing.server === undefined) throw new Error('the server is still starting');
        return routing.server.send(batch, sendOptions);
      },
    };
    const replica = await Replica.open({
      engine: options.engine,
      clock,
      timers: options.timers ?? realTimers,
      rangeId: THE_RANGE_ID,
      span: addressableSpan,
      txnExpirationNanos: BigInt(options.txnExpirationMs ?? TXN_EXPIRATION_MS_DEFAULT) * 1_000_000n,
      syncWrites: options.syncWrites ?? true,
      router,
      ...(options.onBackgroundError === undefined ? {} : { onBackgroundError: options.onBackgroundError }),
      ...(options.testing?.endTxnLocalResolveKeysMax === undefined ? {} : { endTxnLocalResolveKeysMax: options.testing.endTxnLocalResolveKeysMax }),
    });
    const server = new LocalKvServer(clock, replica);
    routing.server = server;
    replica.start();
    return server;
  }

  /** Serves a batch; operating errors come back as values (response.kind === 'error'). */
  send(batch: BatchRequest, options: SendOptions = {}): Promise<BatchResponse> {
    return this.replica.send(batch, options);
  }

  /** Stops serving (later batches get `unavailable`); the engine stays open. */
  async close(): Promise<void> {
    await this.replica.close();
  }
}
