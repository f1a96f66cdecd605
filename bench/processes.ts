/** Starting, probing and stopping the benchmark's processes (each part runs in its own process). */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorCommand, EmulatorReply } from './protocol';

type PoolReply = Extract<EmulatorReply, { type: 'done' }>;

export const DIST = join(__dirname, '..');
export const GATEWAY_MAIN = join(DIST, 'src', 'main.js');

/** An empty HOME, so no ~/.aws of the machine running the benchmark changes what the SDK does. */
const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'campaign-gateway-bench-'));

/** The standard AWS environment both the gateway and the baseline read, pointed at the emulator. */
export function awsEnv(emulatorUrl: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: EMPTY_HOME,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'benchmark-secret',
    AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2: emulatorUrl,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * The gateway as it runs in production (NODE_ENV=production: no Sandbox, no introspection) against
 * AWS' standard configuration. LOG_LEVEL=info: the audit line of every start is part of the product,
 * so the gateway pays for it here too (written to /dev/null).
 */
export function gatewayEnv(emulatorUrl: string, port: number): Record<string, string> {
  return {
    ...awsEnv(emulatorUrl),
    NODE_ENV: 'production',
    AUTH_MODE: 'none',
    CAMPAIGNS_BACKEND: 'aws',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    // The reads part asks for up to 500 campaigns by aliases in one operation, which the
    // production limits refuse by design (docs/security.md); the starts part is not affected.
    MAX_QUERY_ALIASES: '1000',
    // The governor on its path but never holding a call back: these parts measure the gateway,
    // not the account's quota (the quota part sets its own rate).
    AWS_CALLS_PER_SECOND: '100000',
    AWS_CALLS_BURST: '100000',
    MAX_QUERY_TOKENS: '20000',
    MAX_QUERY_COST: '1000000',
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A real redis-server (the Debian package) on a free loopback port, once it accepts connections. */
export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', () => resolve(false));
      socket.once('connect', () => (socket.destroy(), resolve(true)));
    });
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/** One GET; resolves to the status, or undefined when nothing answers (yet). */
export function probe(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode));
    });
    req.once('error', () => resolve(undefined));
    req.end();
  });
}

export interface Child {
  process: ChildProcess;
  /** Resolves once the process has exited. */
  exited: Promise<number | null>;
  stderr(): string;
  stop(): Promise<void>;
}

function watch(child: ChildProcess): Child {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface StartedServer extends Child {
  /** From spawn to the first answer of the readiness URL, in ms. */
  readyMs: number;
}

/**
 * Spawns `node [nodeArgs] script` and polls `readyUrl` every ms or two until `isReady(status)`;
 * the time until then is the start-up time.
 */
export async function startServer(
  script: string,
  env: Record<string, string>,
  readyUrl: string,
  isReady: (status: number) => boolean,
  nodeArgs: string[] = [],
): Promise<StartedServer> {
  const t0 = process.hrtime.bigint();
  const child = watch(spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', 'ignore', 'pipe'] }));
  let exitCode: number | null | undefined;
  void child.exited.then((code) => (exitCode = code));
  for (;;) {
    const status = await probe(readyUrl);
    if (status !== undefined && isReady(status)) {
      return { ...child, readyMs: Number(process.hrtime.bigint() - t0) / 1e6 };
    }
    if (exitCode !== undefined) throw new Error(`${script} exited ${exitCode} before ready: ${child.stderr()}`);
    if (Number(process.hrtime.bigint() - t0) > 30e9) {
      await child.stop();
      throw new Error(`${script} not ready after 30 s: ${child.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export interface EmulatorProcess extends Child {
  url: string;
  /** Resolves once the emulator has received no call for 100 ms: requests a load run left in flight have landed. */
  settle(): Promise<void>;
  /** Creates the pool or puts its campaigns back in a state; answers what states they were in. */
  pool(prefix: string, count: number, state: EmulatorCommand['state']): Promise<PoolReply['previous']>;
}

export async function startEmulator(): Promise<EmulatorProcess> {
  const child = watch(fork(join(DIST, 'bench', 'emulator.js'), { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }));
  const url = await new Promise<string>((resolve, reject) => {
    child.process.once('message', (reply: EmulatorReply) => (reply.type === 'ready' ? resolve(reply.url) : reject(new Error('unexpected reply'))));
    void child.exited.then(() => reject(new Error(`emulator exited: ${child.stderr()}`)));
  });
  let nextId = 1;
  const total = async (): Promise<number> => ((await (await fetch(`${url}/__emulator/calls`)).json()) as { total: number }).total;
  return {
    ...child,
    url,
    async settle() {
      let last = await total();
      let quiet = 0;
      // Two quiet checks in a row: a target starved of CPU may sit on a request for a while.
      while (quiet < 2) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const now = await total();
        quiet = now === last ? quiet + 1 : 0;
        last = now;
      }
    },
    pool(prefix, count, state) {
      const id = nextId++;
      return new Promise((resolve) => {
        const onMessage = (reply: EmulatorReply): void => {
          if (reply.type === 'done' && reply.id === id) {
            child.process.off('message', onMessage);
            resolve(reply.previous);
          }
        };
        child.process.on('message', onMessage);
        const command: EmulatorCommand = { type: 'pool', id, prefix, count, state };
        child.process.send(command);
      });
    },
  };
}

/** A forked helper that talks over IPC (the floor). */
export async function forkHelper(script: string, env: Record<string, string>): Promise<Child & { ipc: ChildProcess }> {
  const child = watch(fork(script, { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }));
  await new Promise<void>((resolve, reject) => {
    child.process.once('message', () => resolve());
    void child.exited.then(() => reject(new Error(`${script} exited: ${child.stderr()}`)));
  });
  return { ...child, ipc: child.process };
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc (Linux); undefined elsewhere.
 * Unlike wall-clock figures it does not grow when other work on the machine takes the CPUs.
 */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

/** Resident set size of a process, in MB (Linux /proc; elsewhere `ps`). */
export async function rssMb(pid: number): Promise<number> {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  const out = await new Promise<string>((resolve) => {
    const ps = spawn('ps', ['-o', 'rss=', '-p', String(pid)]);
    let text = '';
    ps.stdout.on('data', (d: Buffer) => (text += d.toString()));
    ps.once('close', () => resolve(text));
  });
  return Number(out.trim()) / 1024;
}
