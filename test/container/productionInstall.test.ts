import { execSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '../helpers/serverProcess';
import { readDockerfile, ROOT } from './dockerfile';

// Slow (an npm install, about 15 s with a warm cache), so only `npm run test:container` runs it.
const describeSmoke = process.env.CONTAINER_SMOKE === '1' ? describe : describe.skip;

describeSmoke('the runtime stage, reproduced without a container engine', () => {
  let app: string;
  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'campaign-gateway-image-'));
    // What the runtime stage COPYs, laid out as in /app.
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(app, file));
    cpSync(join(ROOT, 'dist', 'src'), join(app, 'dist', 'src'), { recursive: true });
    cpSync(join(ROOT, 'schema'), join(app, 'schema'), { recursive: true });
    // The stage's own install command, against the local npm cache where it can.
    const install = readDockerfile()
      .at(-1)!
      .instructions.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))!
      .args.split('&&')[0]!
      .trim();
    execSync(`${install} --prefer-offline`, { cwd: app, stdio: 'ignore', timeout: 180_000 });
  }, 200_000);
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it('starts in production mode with production dependencies only, answers a start and stops on SIGTERM', async () => {
    const p = await startServerProcess(
      { NODE_ENV: 'production', AUTH_MODE: 'none', CAMPAIGNS_BACKEND: 'emulator', HOST: '127.0.0.1' },
      [join(app, 'dist', 'src', 'main.js')],
    );
    const res = await fetch(p.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { startCampaign(id: "demo-spring-renewals") { __typename } }' }),
    });
    expect(await res.json()).toEqual({ data: { startCampaign: { __typename: 'StartCampaignSuccess' } } });
    expect((await fetch(p.gatewayUrl.replace(/\/graphql$/, '/healthz'))).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  });
});
