import { execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServerProcess } from '../helpers/serverProcess';
import { readDockerfile, ROOT, type Stage } from './dockerfile';

// Slow (a build and an npm install, ~25 s with a warm npm cache): only `npm run test:container`
// runs it. Each stage is reproduced in its own directory from exactly what its COPY lines bring.
const describeSmoke = process.env.CONTAINER_SMOKE === '1' ? describe : describe.skip;

const [buildStage, runtimeStage] = readDockerfile() as [Stage, Stage];
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#'));

/** Performs a stage's `COPY <sources...> <dest>` lines into `dir` (as /app), from the context or earlier stage dirs. */
function copyInto(stage: Stage, dir: string, fromStages: Record<string, string>): void {
  for (const { args } of stage.instructions.filter((i) => i.keyword === 'COPY')) {
    const words = args.split(/\s+/);
    const from = words[0]!.startsWith('--from=') ? fromStages[words.shift()!.slice('--from='.length)]! : ROOT;
    const dest = words.pop()!;
    for (const source of words) {
      const relative = from === ROOT ? source : source.replace(/^\/app\//, '');
      const target = dest.endsWith('/') ? join(dir, dest, relative.split('/').pop()!) : join(dir, dest);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(from, relative), target, {
        recursive: true,
        filter: (path) => from !== ROOT || !ignored.some((pattern) => path === join(ROOT, pattern)),
      });
    }
  }
}

function runCommand(stage: Stage, includes: string): string {
  return stage.instructions.find((i) => i.keyword === 'RUN' && i.args.includes(includes))!.args.split('&&')[0]!.trim();
}

describeSmoke('the image, reproduced stage by stage without a container engine', () => {
  let work: string;
  let app: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'campaign-gateway-image-'));
    const build = join(work, 'build');
    app = join(work, 'app');
    copyInto(buildStage, build, {});
    expect(existsSync(join(build, 'src', 'generated'))).toBe(false);
    // The build stage's `npm ci` installs the full lockfile: this checkout's node_modules is that.
    symlinkSync(join(ROOT, 'node_modules'), join(build, 'node_modules'));
    execSync(runCommand(buildStage, 'npm run build'), { cwd: build, stdio: 'ignore', timeout: 120_000 });
    copyInto(runtimeStage, app, { build });
    execSync(`${runCommand(runtimeStage, 'npm ci')} --prefer-offline`, { cwd: app, stdio: 'ignore', timeout: 180_000 });
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

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
