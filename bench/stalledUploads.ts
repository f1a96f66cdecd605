/**
 * RSS of the gateway under stalled uploads: `n` connections each declare a 1 MiB body, send all
 * but its last byte and stall. Production configuration (NODE_ENV=production, AUTH_MODE=jwt), no
 * token sent, the emulator as backend. See docs/decisions/0008-bounded-request-bodies.md.
 *
 *   npm run build && tsc -p tsconfig.bench.json && node dist/bench/stalledUploads.js [--main dist/src/main.js] [--connections 200] [--auth-mode none]
 *
 * `--main` lets the same script measure another build (e.g. an older commit's dist/src/main.js).
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort, rssMb, startServer } from './processes';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

const MAIN = arg('main', join(__dirname, '..', 'src', 'main.js'));
const CONNECTIONS = Number(arg('connections', '200'));
const AUTH_MODE = arg('auth-mode', 'jwt');
const MiB = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const port = await freePort();
  const server = await startServer(
    MAIN,
    {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      AUTH_MODE,
      // Never fetched: a request without a token is refused from its headers.
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
      AUTH_ISSUER: 'https://id.example/',
      AUTH_AUDIENCE: 'campaign-gateway',
      CAMPAIGNS_BACKEND: 'emulator',
      EMULATOR_PORT: '0',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    `http://127.0.0.1:${port}/healthz`,
    (status) => status === 200,
  );
  const pid = server.process.pid as number;
  await sleep(500);
  const idle = Math.round(await rssMb(pid));

  const sockets: Socket[] = [];
  let answered = 0;
  let closedByServer = 0;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  for (let i = 0; i < CONNECTIONS; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.once('data', () => answered++);
    socket.once('close', () => closedByServer++);
    socket.write(`POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${MiB}\r\n\r\n`);
    let left = MiB - 1;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!socket.write(chunk.subarray(0, n))) return void socket.once('drain', pump);
      }
    };
    pump();
    sockets.push(socket);
  }
  let peak = idle;
  const samples: string[] = [];
  for (let s = 1; s <= 15; s++) {
    await sleep(1000);
    const rss = Math.round(await rssMb(pid));
    peak = Math.max(peak, rss);
    if (s % 5 === 0) samples.push(`${s}s: ${rss} MB`);
  }
  const summary = {
    main: MAIN,
    node: process.version,
    authMode: AUTH_MODE,
    connections: CONNECTIONS,
    idleRssMb: idle,
    peakRssMb: peak,
    samples,
    answered,
    closedByServer,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  for (const socket of sockets) socket.destroy();
  await server.stop();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
