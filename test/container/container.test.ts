import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type Harness } from '../helpers/gatewayHarness';
import { execForm, readDockerfile, ROOT, type Stage } from './dockerfile';

// No container engine runs where the suite runs, so the image is checked by what it is made of:
// the Dockerfile's instructions, the healthcheck command run for real, and that the compiled code
// needs nothing the `npm ci --omit=dev` runtime stage leaves out. `npm run test:container` also
// reproduces both stages in temporary directories and runs the server the second one holds.

const stages = readDockerfile();
const build = stages[0]!;
const runtime = stages.at(-1)!;
const run = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const one = (stage: Stage, keyword: string) => {
  const found = stage.instructions.filter((i) => i.keyword === keyword);
  expect(found).toHaveLength(1);
  return found[0]!.args;
};

describe('Dockerfile', () => {
  it('builds in one stage and runs from a second, both on a supported Node LTS (24 or later) slim', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const stage of stages) {
      const major = Number(/^node:(\d+)(\.\d+)*-(bookworm-|trixie-)?slim(@sha256:[0-9a-f]{64})?$/.exec(stage.from)?.[1]);
      // Even majors are the LTS lines; Node 20 left support in April 2026.
      expect(major).toBeGreaterThanOrEqual(24);
      expect(major % 2).toBe(0);
    }
  });

  it('installs everything and builds (codegen + tsc) in the build stage', () => {
    expect(run(build)).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run build']));
  });

  it('installs production dependencies only in the runtime stage, with no install scripts', () => {
    const installs = run(runtime).filter((r) => r.includes('npm ci'));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/npm ci --omit=dev --ignore-scripts/);
  });

  it('copies the compiled code from the build stage and the schema the server reads at start', () => {
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual(expect.arrayContaining(['--from=build /app/dist/src ./dist/src', 'schema ./schema']));
    expect(copies.some((c) => /\bsrc\b/.test(c) && !c.startsWith('--from=build'))).toBe(false);
  });

  it('runs in production mode, as a non-root user, on port 4000', () => {
    expect(one(runtime, 'ENV')).toBe('NODE_ENV=production');
    expect(one(runtime, 'USER')).not.toMatch(/^(root|0)(:|$)/);
    expect(one(runtime, 'EXPOSE')).toBe('4000');
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(keywords.indexOf('USER')).toBeLessThan(keywords.indexOf('CMD'));
    expect(execForm(one(runtime, 'CMD'))).toEqual(['node', 'dist/src/main.js']);
  });

  it('checks health with Node itself (slim images have no curl)', () => {
    const healthcheck = one(runtime, 'HEALTHCHECK');
    expect(healthcheck).toMatch(/--interval=\d+s .*CMD \[/);
    expect(execForm(healthcheck)[0]).toBe('node');
  });

  it('keeps secrets, dependencies and local builds out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', '.env', 'node_modules', 'dist', 'src/generated']));
  });
});

describe('the HEALTHCHECK command', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  /** Runs the command as Docker would (asynchronously: the gateway answering it is in this process). */
  const healthcheck = (port: string) => {
    const [command, ...args] = execForm(one(runtime, 'HEALTHCHECK'));
    expect(command).toBe('node');
    return new Promise<number | null>((resolve) => {
      execFile(process.execPath, args, { env: { PORT: port }, timeout: 10_000 }, (err) => resolve(err ? (err.code as number) : 0));
    });
  };

  it('exits 0 against a live gateway and 1 when nothing answers', async () => {
    expect(await healthcheck(new URL(h.url).port)).toBe(0);
    expect(await healthcheck('1')).toBe(1);
  });
});

describe('the compiled code under `npm ci --omit=dev`', () => {
  const dist = join(ROOT, 'dist', 'src');
  const describeBuilt = existsSync(dist) ? describe : describe.skip;

  /** Package names required anywhere in dist/src (TypeScript compiles imports, dynamic ones too, to `require`). */
  function requiredPackages(): Map<string, string> {
    const packages = new Map<string, string>();
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    for (const file of files) {
      const code = readFileSync(join(dist, file), 'utf8');
      for (const [, specifier] of code.matchAll(/\brequire\(["']([^"'.][^"']*)["']\)/g)) {
        const name = specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!;
        packages.set(name, file);
      }
    }
    return packages;
  }

  describeBuilt('', () => {
    it('requires only Node built-ins and production dependencies', () => {
      const { dependencies = {} } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const builtins = new Set(builtinModules);
      const required = requiredPackages();
      expect(required.size).toBeGreaterThan(5);
      const missing = [...required].filter(([name]) => !name.startsWith('node:') && !builtins.has(name) && !(name in dependencies));
      expect(missing).toEqual([]);
    });
  });
});
