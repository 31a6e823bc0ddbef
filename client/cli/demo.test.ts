/** `tessera demo`: one node on a temporary store, announced for people and for scripts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

const mainJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/client/cli/main.js');

/** Starts the demo and resolves with the child and its stdout once `ready` matches it. */
function startDemo(args: string[], ready: RegExp): Promise<{ child: ChildProcess; stdout: string }> {
  const child = spawn(process.execPath, [mainJs, 'demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (ready.test(stdout)) resolve({ child, stdout });
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`tessera demo exited with ${code}: ${stdout}${stderr}`)));
  });
}

function interrupt(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

describe('tessera demo', () => {
  it('prints one JSON line that scripts use to connect, and stops on Ctrl-C', async () => {
    const { child, stdout } = await startDemo(['--sql-port', '0', '--format', 'json'], /\n/);
    try {
      const announced = JSON.parse(stdout.trim()) as { nodes: { id: number; sqlAddr: string; httpAddr: string; pid: number }[] };
      expect(announced.nodes).toHaveLength(1);
      const [node] = announced.nodes;
      expect(node).toMatchObject({ id: 1, pid: child.pid });
      // The announced HTTP address serves readiness (the node serves SQL once announced) and metrics.
      const ready = await fetch(`http://${node?.httpAddr}/health?ready=1`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`http://${node?.httpAddr}/metrics`)).text();
      expect(metrics).toMatch(/^tessera_sql_connections\{node_id="1"\} 0$/m);
      const [host, port] = (node?.sqlAddr ?? '').split(':');
      const client = new pg.Client({ host, port: Number(port), user: 'root', database: 'defaultdb' });
      await client.connect();
      try {
        await client.query('CREATE TABLE demo (a int PRIMARY KEY)');
        await client.query('INSERT INTO demo VALUES ($1)', [7]);
        expect((await client.query('SELECT a FROM demo')).rows).toEqual([{ a: 7 }]);
      } finally {
        await client.end();
      }
    } finally {
      expect(await interrupt(child)).toBe(0);
    }
  });

  it('prints the postgresql:// URL and removes its store on exit', async () => {
    const { child, stdout } = await startDemo(['--sql-port', '0'], /Press Ctrl-C/);
    const url = /postgresql:\/\/root@127\.0\.0\.1:\d+\/defaultdb\?sslmode=disable/.exec(stdout)?.[0];
    const store = /store in (\S+)/.exec(stdout)?.[1];
    expect(url).toBeDefined();
    expect(store !== undefined && existsSync(store)).toBe(true);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    expect(await interrupt(child)).toBe(0);
    expect(existsSync(store ?? '')).toBe(false);
  });
});
