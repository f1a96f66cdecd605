/**
 * Standalone emulator: `node dist/src/emulator/main.js`.
 * EMULATOR_PORT (default 4010), EMULATOR_HOST (default 127.0.0.1), EMULATOR_SEED ('false' or '0'
 * for an empty store), EMULATOR_CALLS_PER_SECOND and EMULATOR_CALLS_BURST (the account's rate:
 * default 2 and 5, AWS's documented default; 0 turns throttling off). The only emulator file that
 * reads process.env.
 */
import { createEmulator, type ThrottleSpec } from './index';

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return 4010;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`EMULATOR_PORT is not a port: ${value}`);
  return port;
}

function readRate(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} is not a number of calls: ${value}`);
  return n;
}

function readThrottle(): ThrottleSpec | null {
  const callsPerSecond = readRate('EMULATOR_CALLS_PER_SECOND', 2);
  const burst = Math.round(readRate('EMULATOR_CALLS_BURST', 5));
  return callsPerSecond === 0 || burst === 0 ? null : { callsPerSecond, burst };
}

async function main(): Promise<void> {
  const port = readPort(process.env['EMULATOR_PORT']);
  const host = process.env['EMULATOR_HOST'] || '127.0.0.1';
  const seedEnv = process.env['EMULATOR_SEED'];
  const emulator = createEmulator({ seed: !(seedEnv === 'false' || seedEnv === '0'), throttle: readThrottle() });
  const url = await emulator.start(port, host);
  process.stdout.write(`${JSON.stringify({ msg: 'emulator listening', url, throttle: emulator.throttle.state().limit })}\n`);

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${JSON.stringify({ msg: 'emulator stop failed', error: String(error) })}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ msg: 'emulator failed to start', error: String(error) })}\n`);
  process.exit(1);
});
