import { Registry, Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeHttpServer, type NodeStatusSource } from './http-server.js';
import { nodeMetricsRegistry } from './node-metrics.js';

describe('the node HTTP server', () => {
  let server: NodeHttpServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  async function serve(source: NodeStatusSource): Promise<string> {
    server = await NodeHttpServer.start({ host: '127.0.0.1', port: 0, source });
    return `http://127.0.0.1:${server.address.port}`;
  }

  it('answers /health always and /health?ready=1 only while the node serves SQL', async () => {
    const state = { sqlReady: false };
    const base = await serve({
      registry: new Registry(),
      get sqlReady() {
        return state.sqlReady;
      },
    });
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const notReady = await fetch(`${base}/health?ready=1`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false });
    state.sqlReady = true;
    expect((await fetch(`${base}/health?ready=1`)).status).toBe(200);
    expect((await fetch(`${base}/health?ready=0`)).status).toBe(200);
  });

  it('exports the registry in the Prometheus text format, read at scrape time', async () => {
    let connections = 3;
    const registry = nodeMetricsRegistry({ nodeId: 7, sqlConnections: () => connections, sqlBusyConnections: () => 1 });
    const base = await serve({ registry, sqlReady: true });
    const first = await fetch(`${base}/metrics`);
    expect(first.headers.get('content-type')).toContain('text/plain');
    const text = await first.text();
    expect(text).toMatch(/^tessera_sql_connections\{node_id="7"\} 3$/m);
    expect(text).toMatch(/^tessera_sql_busy_connections\{node_id="7"\} 1$/m);
    expect(text).toMatch(/^tessera_build_info\{version="[^"]+",node_version="v[^"]+",node_id="7"\} 1$/m);
    expect(text).toMatch(/^tessera_process_resident_memory_bytes\{node_id="7"\} \d+/m);
    connections = 5;
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^tessera_sql_connections\{node_id="7"\} 5$/m);
  });

  it('answers unknown paths with 404, other methods with 405, and a failing collector with 500', async () => {
    const registry = new Registry();
    new Counter({
      name: 'broken_total',
      help: 'a collector that throws',
      registers: [registry],
      collect() {
        throw new Error('disk gone');
      },
    });
    const base = await serve({ registry, sqlReady: true });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const post = await fetch(`${base}/health`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const broken = await fetch(`${base}/metrics`);
    expect(broken.status).toBe(500);
    expect(await broken.text()).toContain('disk gone');
    // The server keeps serving after all of that.
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});
