import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startServerProcess, type ServerProcess } from './serverProcess';

/**
 * The standalone emulator (`node dist/src/emulator/main.js`), empty, on a free loopback port,
 * throttling the account as AWS does by default (2 calls/s, burst 5).
 */
export interface EmulatorProcess {
  url: string;
  child: ChildProcess;
  /** Inserts or changes a campaign through the control API (a change made outside the gateway). */
  put(campaign: { id: string; state?: string; name?: string }): Promise<void>;
  /** Calls the account's rate refused (429 ThrottlingException), all operations together, since the last reset. */
  throttled(): Promise<number>;
  /** Calls received per operation since the last `resetCalls`. */
  counts(): Promise<Record<string, number>>;
  resetCalls(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'src', 'emulator', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', EMULATOR_PORT: '0', EMULATOR_SEED: 'false', EMULATOR_CALLS_PER_SECOND: '2', EMULATOR_CALLS_BURST: '5' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { url?: string };
      if (entry.url) resolve(entry.url);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  const control = (path: string, init?: RequestInit) => fetch(`${url}/__emulator/${path}`, init);
  return {
    url,
    child,
    async put(campaign) {
      const res = await control('campaigns', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(campaign) });
      if (res.status !== 200) throw new Error(`emulator put answered ${res.status}: ${await res.text()}`);
    },
    async throttled() {
      return ((await (await control('throttle')).json()) as { total: number }).total;
    },
    async counts() {
      return ((await (await control('calls')).json()) as { counts: Record<string, number> }).counts;
    },
    async resetCalls() {
      await control('calls', { method: 'DELETE' });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A gateway process against the standalone emulator, as against AWS (CAMPAIGNS_BACKEND=aws). */
export function startGatewayOnEmulator(emulatorUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServerProcess({
    CAMPAIGNS_BACKEND: 'aws',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDFLEETTEST',
    AWS_SECRET_ACCESS_KEY: 'fleet-test-secret',
    AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2: emulatorUrl,
    HOST: '127.0.0.1',
    ...env,
  });
}

/** Stops a gateway process: SIGTERM (a drain) or SIGKILL (a crash). */
export async function stopProcess(p: ServerProcess, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  await p.exit;
}

/** One metric's value in a Prometheus text page (the first series matching `name` and `labels`). */
export async function metricValue(p: ServerProcess, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(p.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name}{`)));
  return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}
