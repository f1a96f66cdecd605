import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The compiled server, as `npm start` runs it (`npm test` builds first). */
export const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** `describe`, or `describe.skip` when the server has not been built (a bare `jest` run). */
export const describeBuilt = existsSync(MAIN) ? describe : describe.skip;

export interface ServerProcess {
  child: ChildProcess;
  /** Every JSON line the process wrote to stdout, parsed. */
  lines: Array<Record<string, unknown>>;
  gatewayUrl: string;
  emulatorUrl: string;
  exit: Promise<number | null>;
  stderr(): string;
}

/**
 * Starts `node dist/src/main.js` with only PATH and `env` (never the test process's environment)
 * and resolves once it logs that it is ready. `nodeArgs` go before the script (e.g. `-e` code).
 */
export function startServerProcess(env: Record<string, string>, nodeArgs: string[] = [MAIN]): Promise<ServerProcess> {
  const child = spawn(process.execPath, nodeArgs, {
    // EMULATOR_PORT 0: several processes may run at once, each with its own emulator. A call rate
    // no test reaches unless it sets one (the embedded emulator throttles at the same rate).
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      EMULATOR_PORT: '0',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_CALLS_PER_SECOND: '100000',
      AWS_CALLS_BURST: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let emulatorUrl = '';
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (typeof entry.emulatorUrl === 'string') emulatorUrl = entry.emulatorUrl;
      if (typeof entry.url === 'string') resolve({ child, lines, gatewayUrl: entry.url, emulatorUrl, exit, stderr: () => stderr });
    });
    void exit.then((code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
  });
}

/** POSTs a GraphQL operation to the process's gateway. */
export function postGraphql(p: ServerProcess, query: string, signal?: AbortSignal): Promise<Response> {
  return fetch(p.gatewayUrl, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
}

/** Sets a fault through the control API of the process's embedded emulator. */
export async function emulatorFault(p: ServerProcess, fault: Record<string, unknown>): Promise<void> {
  await fetch(`${p.emulatorUrl}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
}
