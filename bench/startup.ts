/**
 * Start-up: from spawning `node dist/src/main.js` to the first 200 from /readyz, against the AWS
 * backend (no emulator to start). Node's own start (a bare node:http server) is the reference.
 */
import { join } from 'node:path';
import { DIST, awsEnv, freePort, gatewayEnv, startServer } from './processes';
import { median } from './stats';

const BARE_NODE_SERVER = "require('node:http').createServer((q, s) => s.end()).listen(Number(process.env.PORT), '127.0.0.1')";

export interface StartupResult {
  runs: number;
  gatewayMs: number[];
  bareNodeMs: number[];
  baselineMs: number[];
  gatewayMedianMs: number;
  bareNodeMedianMs: number;
  baselineMedianMs: number;
}

async function timeStart(script: string | null, env: Record<string, string>, path: string): Promise<number> {
  const port = await freePort();
  const full = { ...env, PORT: String(port) };
  const server = script
    ? await startServer(script, full, `http://127.0.0.1:${port}${path}`, (s) => s === 200 || path === '/')
    : await startServer(BARE_NODE_SERVER, full, `http://127.0.0.1:${port}/`, () => true, ['-e']);
  await server.stop();
  return server.readyMs;
}

export async function measureStartup(emulatorUrl: string, runs: number, log: (line: string) => void): Promise<StartupResult> {
  const gatewayMs: number[] = [];
  const bareNodeMs: number[] = [];
  const baselineMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    gatewayMs.push(await timeStart(join(DIST, 'src', 'main.js'), gatewayEnv(emulatorUrl, 0), '/readyz'));
    baselineMs.push(await timeStart(join(DIST, 'bench', 'baseline.js'), awsEnv(emulatorUrl), '/'));
    bareNodeMs.push(await timeStart(null, awsEnv(emulatorUrl), '/'));
  }
  const result = {
    runs,
    gatewayMs,
    bareNodeMs,
    baselineMs,
    gatewayMedianMs: median(gatewayMs),
    bareNodeMedianMs: median(bareNodeMs),
    baselineMedianMs: median(baselineMs),
  };
  log(`startup to ready: gateway ${result.gatewayMedianMs.toFixed(0)} ms, baseline ${result.baselineMedianMs.toFixed(0)} ms, bare node ${result.bareNodeMedianMs.toFixed(0)} ms (medians of ${runs})`);
  return result;
}
