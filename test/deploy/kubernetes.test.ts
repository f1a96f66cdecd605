import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { loadConfig } from '../../src/config';
import { CampaignCursors } from '../../src/campaigns/campaignCursor';
import { Drain, drainLimitMs, longestStopMs } from '../../src/http/drain';
import { startHarness } from '../helpers/gatewayHarness';

const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, 'deploy', 'kubernetes');

/** The Kubernetes API each manifest is validated against (kubernetes-models' bundled OpenAPI schemas). */
const MODELS = {
  Deployment: { apiVersion: 'apps/v1', model: Deployment },
  Service: { apiVersion: 'v1', model: Service },
  ConfigMap: { apiVersion: 'v1', model: ConfigMap },
  Secret: { apiVersion: 'v1', model: Secret },
  ServiceAccount: { apiVersion: 'v1', model: ServiceAccount },
  PodDisruptionBudget: { apiVersion: 'policy/v1', model: PodDisruptionBudget },
  HorizontalPodAutoscaler: { apiVersion: 'autoscaling/v2', model: HorizontalPodAutoscaler },
} as const;
type Kind = keyof typeof MODELS;

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return { ...(doc.toJS() as Omit<Manifest, 'file'>), file } as Manifest;
  }),
);

function one<K extends Kind>(kind: K): InstanceType<(typeof MODELS)[K]['model']> {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found).toHaveLength(1);
  const { file: _file, ...body } = found[0]!;
  return new MODELS[kind].model(body as never) as InstanceType<(typeof MODELS)[K]['model']>;
}

const deployment = () => one('Deployment');
const container = (): IContainer => deployment().spec!.template.spec!.containers[0]!;
const podLabels = () => deployment().spec!.template.metadata!.labels!;

/** The gateway's configuration exactly as the pod gets it: the ConfigMap, then the Secret (envFrom order). */
function podConfig() {
  const env = { ...one('ConfigMap').data, ...one('Secret').stringData };
  return { env, config: loadConfig(env) };
}

/** Kubernetes memory quantities used here (Mi, Gi, M) in bytes. */
function bytes(quantity: string | number | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)?$/.exec(String(quantity));
  if (!match) throw new Error(`unhandled quantity ${String(quantity)}`);
  const unit = { Mi: 2 ** 20, Gi: 2 ** 30, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

/** The highest RSS in BENCHMARKS.md's latest "RSS of a fresh gateway (MB)" table, in bytes. */
function measuredPeakRss(): number {
  const text = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
  const header = text.indexOf('| RSS of a fresh gateway (MB)');
  expect(header).toBeGreaterThan(-1);
  const row = text.slice(header).split('\n')[2] ?? '';
  const figures = [...row.matchAll(/\|\s*(\d+(?:\.\d+)?)/g)].map((m) => Number(m[1]));
  expect(figures.length).toBeGreaterThan(2);
  return Math.max(...figures.slice(0, 3)) * 1e6;
}

describe('deploy/kubernetes', () => {
  it('validates every manifest against the Kubernetes API schemas', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(Object.keys(MODELS).sort());
    for (const { file, kind, apiVersion, ...body } of manifests) {
      const entry = MODELS[kind as Kind];
      expect({ file, kind, apiVersion }).toEqual({ file, kind, apiVersion: entry?.apiVersion });
      expect(() => new entry.model({ apiVersion, kind, ...body } as never).validate()).not.toThrow();
    }
  });

  it('lists every manifest in kustomization.yaml', () => {
    const kustomization = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  it('wires the pieces together: selectors, the HPA target, the ConfigMap, the Secret and the service account', () => {
    const labels = podLabels();
    expect(deployment().spec!.selector.matchLabels).toEqual(labels);
    expect(labels).toMatchObject(one('Service').spec!.selector!);
    expect(labels).toMatchObject(one('PodDisruptionBudget').spec!.selector!.matchLabels!);
    expect(one('HorizontalPodAutoscaler').spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment().metadata!.name });
    expect(container().envFrom).toEqual([
      { configMapRef: { name: one('ConfigMap').metadata!.name } },
      { secretRef: { name: one('Secret').metadata!.name } },
    ]);
    expect(deployment().spec!.template.spec!.serviceAccountName).toBe(one('ServiceAccount').metadata!.name);
    const port = container().ports!.find((p) => p.name === 'http')!;
    expect(one('Service').spec!.ports![0]!.targetPort).toBe(port.name);
    // The gateway's own production default port.
    expect(port.containerPort).toBe(podConfig().config.port);
  });

  it('gives every replica the same cursor key, so a page cursor from one pod is accepted by the next', () => {
    // At least two replicas behind one Service: a client's next page may reach another pod.
    expect(one('HorizontalPodAutoscaler').spec!.minReplicas).toBeGreaterThan(1);
    const place = { token: 'aws-page-2', offset: 7 };
    const cursor = new CampaignCursors(podConfig().config.cursorSecret).encode(place, null);
    expect(new CampaignCursors(podConfig().config.cursorSecret).decode(cursor)).toEqual({ position: place, connectInstanceId: null });
  });

  it('is a valid production configuration of the gateway: AWS backend, JWT auth, no AWS keys anywhere', () => {
    const { config } = podConfig();
    expect(config).toMatchObject({ production: true, backend: 'aws', host: '0.0.0.0', auth: { mode: 'jwt' } });
    const text = files.map((f) => readFileSync(join(DIR, f), 'utf8')).join('\n');
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
    expect(one('ServiceAccount').metadata!.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });

  it('probes /healthz for liveness and /readyz for readiness, and the gateway answers both', async () => {
    const { livenessProbe, readinessProbe } = container();
    expect(livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const h = await startHarness();
    try {
      for (const path of ['/healthz', '/readyz']) {
        expect((await fetch(h.url.replace(/\/graphql$/, path))).status).toBe(200);
      }
    } finally {
      await h.close();
    }
  });

  it('gives the pod longer to stop than the gateway can take: SHUTDOWN_DELAY_MS + the drain limit (UPSTREAM_DEADLINE_MS + the margin)', () => {
    const { config } = podConfig();
    const spec = deployment().spec!.template.spec!;
    expect(container().lifecycle?.preStop).toBeUndefined();
    // Long enough for the endpoint removal to reach kube-proxy and load balancers.
    expect(config.shutdownDelayMs).toBeGreaterThanOrEqual(5000);
    const drain = { shutdownDelayMs: config.shutdownDelayMs, deadlineMs: config.upstream.deadlineMs };
    // A request's deadline counts from its arrival, and the listener closes at the end of the
    // delay: the last request the drain waits for ends its AWS work by delay + deadline.
    const stopMs = longestStopMs(drain);
    expect(stopMs).toBe(config.shutdownDelayMs + drainLimitMs(config.upstream.deadlineMs));
    expect(spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(stopMs);
    // What the drain admits, on the code's own clock: a request arriving just before the listener
    // closes is run (its deadline ends in time for the drain to wait for its answer), one arriving
    // after it (on a kept-alive connection) is refused before any AWS call.
    const sigterm = 1_000_000;
    const gateway = new Drain({ ...drain, now: () => sigterm });
    gateway.begin();
    const admitsArrivalAt = (arrivedAt: number) => gateway.admits(gateway.deadlineOf(arrivedAt));
    expect(admitsArrivalAt(sigterm + config.shutdownDelayMs - 1)).toBe(true);
    expect(admitsArrivalAt(sigterm + config.shutdownDelayMs + 1)).toBe(false);
    // The rollout never stops an old pod before a new one is ready.
    expect(deployment().spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  it('runs as non-root on a read-only root filesystem, with no privilege escalation or capabilities', () => {
    const pod = deployment().spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
    expect(container().securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  it('requests at least the measured peak RSS, and keeps the V8 heap limit inside the memory limit', () => {
    const { requests, limits } = container().resources!;
    const request = bytes(requests!.memory as string);
    const limit = bytes(limits!.memory as string);
    expect(request).toBeGreaterThanOrEqual(measuredPeakRss());
    expect(limit).toBeGreaterThan(request);
    const heap = /--max-old-space-size=(\d+)/.exec(podConfig().env.NODE_OPTIONS ?? '');
    expect(heap).not.toBeNull();
    expect(Number(heap![1]) * 2 ** 20).toBeLessThan(limit);
  });

  it('shares the AWS call rate through Redis over TLS, and sizes each pod\'s share for the largest fleet', () => {
    const { config } = podConfig();
    expect(config.redis?.url).toMatch(/^rediss:\/\//);
    expect(config.quota.replicas).toBeGreaterThanOrEqual(one('HorizontalPodAutoscaler').spec!.maxReplicas);
  });

  it('keeps at least two replicas, and disrupts one pod at a time', () => {
    expect(one('HorizontalPodAutoscaler').spec!.minReplicas).toBeGreaterThanOrEqual(2);
    expect(one('PodDisruptionBudget').spec!.maxUnavailable).toBe(1);
  });
});

describe('docs/operations.md, Running in production', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
  const start = doc.indexOf('## Running in production');
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));

  it('states the numbers the manifests and the code have', () => {
    expect(start).toBeGreaterThan(-1);
    const { env, config } = podConfig();
    const spec = deployment().spec!;
    const { resources, readinessProbe } = container();
    const expected = [
      `terminationGracePeriodSeconds: ${spec.template.spec!.terminationGracePeriodSeconds}`,
      `SHUTDOWN_DELAY_MS=${env.SHUTDOWN_DELAY_MS}`,
      `UPSTREAM_DEADLINE_MS=${env.UPSTREAM_DEADLINE_MS}`,
      `periodSeconds: ${readinessProbe!.periodSeconds}`,
      `maxSurge: ${spec.strategy!.rollingUpdate!.maxSurge}`,
      `maxUnavailable: ${spec.strategy!.rollingUpdate!.maxUnavailable}`,
      `progressDeadlineSeconds: ${spec.progressDeadlineSeconds}`,
      `memory: ${resources!.requests!.memory}`,
      `\`${resources!.limits!.memory}\``,
      `cpu: ${resources!.requests!.cpu}`,
      `NODE_OPTIONS=${env.NODE_OPTIONS}`,
      `The drain limit (${drainLimitMs(config.upstream.deadlineMs) / 1000} s)`,
      `\`UPSTREAM_CREDENTIALS_TIMEOUT_MS\` (${config.upstream.credentialsTimeoutMs / 1000} s)`,
      `maxUnavailable: ${one('PodDisruptionBudget').spec!.maxUnavailable}\` for node drains`,
      `${one('HorizontalPodAutoscaler').spec!.minReplicas} to ${one('HorizontalPodAutoscaler').spec!.maxReplicas} replicas`,
    ];
    for (const text of expected) expect(section).toContain(text);
    // The timeline's end points: the delay, delay + drain, and the grace period.
    const delayS = config.shutdownDelayMs / 1000;
    expect(section).toContain(`| 0 – ${delayS} s |`);
    expect(section).toContain(`| ≤ ${delayS + drainLimitMs(config.upstream.deadlineMs) / 1000} s |`);
    expect(section).toContain(`| ${spec.template.spec!.terminationGracePeriodSeconds} s |`);
  });
});
