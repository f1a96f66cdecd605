import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmulator, type Emulator } from '../../src/emulator';
import { describeBuilt, MAIN, postGraphql, startServerProcess, type ServerProcess } from '../helpers/serverProcess';

// The real SDK provider chains, in a server process that can only reach loopback: no instance
// metadata, the shared files pointed at temp files, credentials from a loopback container endpoint.
const GUARD = join(__dirname, '..', 'helpers', 'loopbackOnly.js');
const NON_LOOPBACK = 'NON-LOOPBACK CONNECTION REFUSED';
const PLANTED_KEY_ID = 'AKIDPLANTEDINENV0001';
const PLANTED_FILE_KEY_ID = 'AKIDPLANTEDINFILE001';
const CONTAINER_TOKEN = 'pod-identity-token-do-not-log';
const CONTAINER_SECRET = 'container-secret-access-key-do-not-log';

let emulator: Emulator;
let emulatorUrl: string;
beforeAll(async () => {
  emulator = createEmulator({ seed: true });
  emulatorUrl = await emulator.start(0, '127.0.0.1');
});
afterAll(() => emulator.stop());

/** An AWS home with the given shared config and credentials files, and nothing else. */
function awsHome(config = '', credentials = ''): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'aws-home-'));
  writeFileSync(join(home, 'config'), config);
  writeFileSync(join(home, 'credentials'), credentials);
  return {
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

function awsEnv(extra: Record<string, string>): Record<string, string> {
  return {
    CAMPAIGNS_BACKEND: 'aws',
    AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2: emulatorUrl,
    AWS_MAX_ATTEMPTS: '1',
    ...extra,
  };
}

/** The container credential endpoint (ECS, EKS Pod Identity) on loopback; answers 500 until given credentials. */
interface ContainerEndpoint {
  url: string;
  requests: IncomingHttpHeaders[];
  serve(credentials: boolean): void;
  close(): Promise<void>;
}

async function startContainerEndpoint(): Promise<ContainerEndpoint> {
  let serving = false;
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.headers);
    if (!serving) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"no role associated yet"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        AccessKeyId: 'AKIDFROMCONTAINER001',
        SecretAccessKey: CONTAINER_SECRET,
        Token: 'container-session-token',
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/credentials`,
    requests,
    serve: (credentials) => (serving = credentials),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const baseUrl = (p: ServerProcess) => p.gatewayUrl.replace(/\/graphql$/, '');

async function readyz(p: ServerProcess): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl(p)}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(p: ServerProcess): Promise<void> {
  p.child.kill('SIGTERM');
  await p.exit;
}

describeBuilt('CAMPAIGNS_BACKEND=aws: misconfiguration shows at start', () => {
  it('exits 1 naming AWS_REGION when the SDK finds no region (environment or profile)', async () => {
    const child = spawn(process.execPath, ['--require', GUARD, MAIN], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', ...awsEnv(awsHome()) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/invalid configuration:\s+AWS_REGION: must be set when CAMPAIGNS_BACKEND=aws/);
    expect(stdout).not.toContain('gateway ready');
    expect(stderr).not.toContain(NON_LOOPBACK);
  });

  it('without credentials anywhere: starts alive but not ready, one warning naming the chain, no secret, nothing but loopback tried', async () => {
    const p = await startServerProcess(
      awsEnv({
        ...awsHome('', `[default]\naws_access_key_id = ${PLANTED_FILE_KEY_ID}\n`),
        AWS_REGION: 'eu-west-1',
        // Half a key pair: the environment link of the chain must skip it, and not print it.
        AWS_ACCESS_KEY_ID: PLANTED_KEY_ID,
      }),
      ['--require', GUARD, MAIN],
    );
    try {
      expect((await fetch(`${baseUrl(p)}/healthz`)).status).toBe(200);
      const ready = await readyz(p);
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'not ready', reason: expect.stringMatching(/^AWS credentials could not be resolved: .+/) });
      expect(p.lines.find((l) => typeof l.url === 'string')).toMatchObject({ ready: false });

      // Retries go on (first after 1 s) without repeating the warning.
      await new Promise((r) => setTimeout(r, 1500));
      const warnings = p.lines.filter((l) => l.event === 'aws.credentials.unavailable');
      expect(warnings).toEqual([
        expect.objectContaining({ level: 40, provider: expect.stringContaining('AWS SDK default credential provider chain'), reason: ready.body.reason }),
      ]);
      expect((await readyz(p)).status).toBe(503);
      const everything = JSON.stringify(p.lines) + p.stderr();
      expect(everything).not.toContain(PLANTED_KEY_ID);
      expect(everything).not.toContain(PLANTED_FILE_KEY_ID);
      expect(p.stderr()).not.toContain(NON_LOOPBACK);
    } finally {
      await stop(p);
    }
  });

  it('takes the region from the profile, and turns ready by itself once the container endpoint (EKS Pod Identity) has credentials', async () => {
    const endpoint = await startContainerEndpoint();
    const p = await startServerProcess(
      awsEnv({
        ...awsHome('[default]\nregion = eu-central-1\n'),
        AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: CONTAINER_TOKEN,
        UPSTREAM_CREDENTIALS_TIMEOUT_MS: '500',
      }),
      ['--require', GUARD, MAIN],
    );
    try {
      const before = await readyz(p);
      expect(before.status).toBe(503);
      // The SDK's container provider retries for longer than the start-up timeout allows.
      expect(before.body.reason).toBe('AWS credentials could not be resolved: no answer within 500 ms');
      expect(endpoint.requests.length).toBeGreaterThan(0);

      endpoint.serve(true);
      const after = await eventually(() => readyz(p), (r) => r.status === 200, 15_000);
      expect(after).toEqual({ status: 200, body: { status: 'ready' } });
      expect(p.lines.some((l) => l.event === 'aws.credentials.resolved')).toBe(true);
      expect(endpoint.requests.every((h) => h.authorization === CONTAINER_TOKEN)).toBe(true);

      // And calls are signed with them, through the real SDK, to the loopback endpoint.
      const res = await postGraphql(p, 'mutation { startCampaign(id: "demo-spring-renewals") { __typename } }');
      expect(await res.json()).toEqual({ data: { startCampaign: { __typename: 'StartCampaignSuccess' } } });
      expect(emulator.callCount('StartCampaign')).toBe(1);

      const everything = JSON.stringify(p.lines) + p.stderr();
      expect(everything).not.toContain(CONTAINER_TOKEN);
      expect(everything).not.toContain(CONTAINER_SECRET);
      expect(p.stderr()).not.toContain(NON_LOOPBACK);
    } finally {
      await stop(p);
      await endpoint.close();
    }
  });
});
