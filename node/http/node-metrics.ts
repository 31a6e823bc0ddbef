/**
 * The metrics a node exports on `/metrics`. Each gauge reads its value at scrape time from the
 * component that owns it (a callback), so nothing is double-booked and a scrape costs the SQL
 * path nothing. The cluster adds ranges, leaders, under-replicated ranges and Raft latencies to
 * the same registry.
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { buildInfo } from '../../common/version.js';

/** What the node's components report; each is read once per scrape. */
export interface NodeMetricSources {
  readonly nodeId: number;
  /** Open client connections on the SQL port. */
  readonly sqlConnections: () => number;
  /** Connections running a statement now. */
  readonly sqlBusyConnections: () => number;
}

export function nodeMetricsRegistry(sources: NodeMetricSources): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ node_id: String(sources.nodeId) });
  collectDefaultMetrics({ register: registry, prefix: 'tessera_' });
  const info = buildInfo();
  const build = new Gauge({
    name: 'tessera_build_info',
    help: 'Always 1; the labels say which build the node runs.',
    labelNames: ['version', 'node_version'],
    registers: [registry],
  });
  build.set({ version: info.version, node_version: info.nodeVersion }, 1);
  new Gauge({
    name: 'tessera_sql_connections',
    help: 'Open client connections on the SQL (PostgreSQL wire protocol) port.',
    registers: [registry],
    collect() {
      this.set(sources.sqlConnections());
    },
  });
  new Gauge({
    name: 'tessera_sql_busy_connections',
    help: 'SQL connections running a statement at scrape time.',
    registers: [registry],
    collect() {
      this.set(sources.sqlBusyConnections());
    },
  });
  return registry;
}
