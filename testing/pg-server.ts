/**
 * A throwaway PostgreSQL 15 server for tests that compare Tessera with the real thing.
 *
 * `startPgServer()` runs initdb into a fresh temporary directory and starts `postgres` on
 * 127.0.0.1 with a port the OS picked, tuned for tests (no fsync, small buffers, no autovacuum),
 * with the C locale so text sorts bytewise like Tessera's C collation and TimeZone UTC. `stop()`
 * shuts it down (fast shutdown, then SIGKILL) and removes the directory. A test file shares one
 * server: start it in beforeAll, stop it in afterAll.
 *
 * initdb and postgres refuse to run as root, and tests run as root on CI machines: there both run
 * as the `postgres` OS user (created by Debian's postgresql-15 package) with the directory handed
 * to it. A missing PostgreSQL is an error, never a silent skip: CI installs it.
 *
 * No server outlives its test process: an exit hook sends every live server an immediate
 * shutdown, and a detached shell watchdog per server kills it and removes its directory if the
 * process dies without running hooks (SIGKILL, a worker torn down on a timeout).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const defaultPgBinDir = '/usr/lib/postgresql/15/bin';

export interface PgServer {
  readonly host: string;
  readonly port: number;
  /** The superuser; authentication is `trust`, so no password. */
  readonly user: string;
  /** Stops the server and removes its directory; safe to call more than once. */
  stop(): Promise<void>;
}

export interface PgServerOptions {
  /** Directory holding initdb and postgres; defaults to $TESSERA_PG_BIN, then Debian's path. */
  readonly binDir?: string;
  readonly startTimeoutMs?: number;
}

export class PgServerError extends Error {
  override readonly name = 'PgServerError';
}

const startTimeoutMsDefault = 30_000;
/** Fast shutdown normally takes milliseconds; past this the server is killed. */
const stopTimeoutMs = 10_000;
/** A port picked by the OS can be taken by someone else before postgres binds it: try again. */
const startAttemptsMax = 3;
const superuser = 'postgres';

/** Servers started by this process and not yet stopped, for the exit hook. */
const liveServers = new Map<number, { process: ChildProcess; rootDir: string }>();
let exitHookInstalled = false;

export async function startPgServer(options: PgServerOptions = {}): Promise<PgServer> {
  const binDir = options.binDir ?? process.env['TESSERA_PG_BIN'] ?? defaultPgBinDir;
  const initdb = join(binDir, 'initdb');
  const postgres = join(binDir, 'postgres');
  if (!existsSync(initdb) || !existsSync(postgres)) {
    throw new PgServerError(
      `PostgreSQL 15 is not installed: no initdb/postgres in ${binDir}. ` +
        'Install it (Debian/Ubuntu: apt-get install postgresql-15) or set TESSERA_PG_BIN to its bin directory.',
    );
  }
  const owner = serverOwner();
  const rootDir = mkdtempSync(join(tmpdir(), 'tessera-pg-'));
  try {
    if (owner !== undefined) chownSync(rootDir, owner.uid, owner.gid);
    const dataDir = join(rootDir, 'data');
    await runInitdb(initdb, dataDir, rootDir, owner);
    const timeoutMs = options.startTimeoutMs ?? startTimeoutMsDefault;
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await startPostgres({ postgres, dataDir, rootDir, port, owner, timeoutMs });
      if (started.ok) return started.server;
      if (!started.portTaken || attempt >= startAttemptsMax) throw new PgServerError(started.reason);
    }
  } catch (err) {
    rmSync(rootDir, { recursive: true, force: true });
    throw err;
  }
}

interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/** The OS user the server runs as: the `postgres` user when we are root, else ourselves. */
function serverOwner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', superuser], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', superuser], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new PgServerError(
      `running as root, and PostgreSQL refuses to run as root, but there is no '${superuser}' OS user to run it as ` +
        '(the postgresql-15 package creates it).',
    );
  }
}

/** The environment of initdb and postgres: messages in English, whatever the caller's locale. */
function childEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };
}

async function runInitdb(initdb: string, dataDir: string, rootDir: string, owner: Owner | undefined): Promise<void> {
  // The C locale makes text compare bytewise, as Tessera's only collation does.
  const args = ['-D', dataDir, '--no-sync', '-U', superuser, '-E', 'UTF8', '--locale=C', '--auth=trust', '--no-instructions'];
  const child = spawn(initdb, args, { cwd: rootDir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...owner });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new PgServerError(`initdb failed (exit ${code}):\n${output}`);
}

/** Asks the OS for a free TCP port on the loopback interface. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new PgServerError('no port from the OS'));
        else resolve(address.port);
      });
    });
  });
}

type StartResult =
  | { readonly ok: true; readonly server: PgServer }
  | { readonly ok: false; readonly portTaken: boolean; readonly reason: string };

async function startPostgres(params: {
  postgres: string;
  dataDir: string;
  rootDir: string;
  port: number;
  owner: Owner | undefined;
  timeoutMs: number;
}): Promise<StartResult> {
  const { postgres, dataDir, rootDir, port, owner, timeoutMs } = params;
  const logFile = join(rootDir, `postgres-${port}.log`);
  // The log goes to a file, not a pipe: a pipe nobody drains would block the server once full.
  const logFd = openSync(logFile, 'a');
  const socketDir = join(rootDir, 'socket');
  mkdirSync(socketDir, { recursive: true });
  if (owner !== undefined) chownSync(socketDir, owner.uid, owner.gid);
  const settings = {
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '16MB',
    max_connections: '200',
    autovacuum: 'off',
    TimeZone: 'UTC',
    lc_messages: 'C',
    // LOG ranks above ERROR in log_min_messages: the startup lines are kept, client errors are not.
    log_min_messages: 'log',
  };
  const args = ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', socketDir];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const child = spawn(postgres, args, { cwd: rootDir, env: childEnv(), stdio: ['ignore', logFd, logFd], ...owner });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) {
    return { ok: false, portTaken: false, reason: `could not start ${postgres}` };
  }
  registerLiveServer(pid, child, rootDir);
  const ready = await waitUntilReady(child, logFile, timeoutMs);
  if (!ready.ok) {
    await stopProcess(child);
    liveServers.delete(pid);
    const log = readLog(logFile);
    return {
      ok: false,
      portTaken: /could not bind|Address already in use/.test(log),
      reason: `PostgreSQL did not start: ${ready.reason}\n${log}`,
    };
  }
  let stopping: Promise<void> | undefined;
  const server: PgServer = {
    host: '127.0.0.1',
    port,
    user: superuser,
    stop: () => {
      stopping ??= (async () => {
        await stopProcess(child);
        liveServers.delete(pid);
        rmSync(rootDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  return { ok: true, server };
}

const readyLine = 'database system is ready to accept connections';

async function waitUntilReady(
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const deadline = Date.now() + timeoutMs;
  let exited = child.exitCode !== null;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (readLog(logFile).includes(readyLine)) return { ok: true };
    if (exited) return { ok: false, reason: `postgres exited with ${child.exitCode ?? child.signalCode}` };
    await sleep(20);
  }
  return { ok: false, reason: `not ready after ${timeoutMs} ms` };
}

function readLog(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8');
  } catch {
    return '';
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** SIGINT is PostgreSQL's fast shutdown: it rolls back open transactions and exits cleanly. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), stopTimeoutMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

function registerLiveServer(pid: number, child: ChildProcess, rootDir: string): void {
  liveServers.set(pid, { process: child, rootDir });
  startWatchdog(pid, rootDir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    // Only synchronous work is possible here: SIGQUIT is PostgreSQL's immediate shutdown, which
    // also ends its backends; the watchdog removes the directory once the server is gone.
    for (const { process: server } of liveServers.values()) server.kill('SIGQUIT');
  });
}

/**
 * A detached shell that outlives us: once this process or the server is gone, it makes sure the
 * server is down and its directory removed. On a normal stop it finds the server gone and exits.
 */
function startWatchdog(serverPid: number, rootDir: string): void {
  const script = [
    'parent=$1; server=$2; dir=$3',
    'while kill -0 "$parent" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 0.5; done',
    'kill -QUIT "$server" 2>/dev/null',
    'i=0; while kill -0 "$server" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.5; i=$((i+1)); done',
    'kill -KILL "$server" 2>/dev/null',
    'rm -rf "$dir"',
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script, 'tessera-pg-watchdog', String(process.pid), String(serverPid), rootDir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
}
