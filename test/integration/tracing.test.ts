import { startOtlpCollector, type OtlpCollector, type ReceivedSpan } from '../helpers/otlpCollector';
import { describeBuilt, MAIN, startServerProcess } from '../helpers/serverProcess';

// Instrumentation patches modules as Node's own loader requires them, which Jest's module
// registry bypasses; so this runs the compiled server (dist/src/main.js) as `npm start` does,
// exporting over OTLP/HTTP to an in-memory collector on loopback.

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;

describeBuilt('tracing, on with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  let collector: OtlpCollector;
  let trace: ReceivedSpan[];
  let requestLines: Array<Record<string, unknown>>;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    const p = await startServerProcess({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_SERVICE_NAME: 'campaign-gateway' });
    const res = await fetch(p.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`,
        'x-request-id': 'traced-start-1',
      },
      body: JSON.stringify({ query: 'mutation StartOne { startCampaign(id: "demo-spring-renewals") { __typename } }' }),
    });
    expect(await res.json()).toEqual({ data: { startCampaign: { __typename: 'StartCampaignSuccess' } } });
    await fetch(p.gatewayUrl.replace(/\/graphql$/, '/healthz'));
    // Shutting down flushes the spans still batched.
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    trace = collector.spans.filter((s) => s.traceId === TRACE_ID);
    requestLines = p.lines.filter((l) => l.requestId === 'traced-start-1');
  });
  afterAll(() => collector.close());

  const one = (predicate: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan => {
    const found = trace.filter(predicate);
    if (found.length !== 1) throw new Error(`expected one ${what}, got ${found.length}: ${JSON.stringify(trace.map((s) => s.name))}`);
    return found[0]!;
  };
  const childrenOf = (parent: ReceivedSpan) => trace.filter((s) => s.parentSpanId === parent.spanId);

  it('continues the caller’s trace: incoming traceparent -> HTTP server -> GraphQL -> AWS SDK -> HTTP to AWS', () => {
    const server = one((s) => s.kind === SPAN_KIND.server && s.parentSpanId === CALLER_SPAN_ID, 'HTTP server span under the caller');
    expect(server).toMatchObject({ scope: '@opentelemetry/instrumentation-http', name: 'POST' });
    expect(server.attributes['http.response.header.x-request-id']).toEqual(['traced-start-1']);

    const operation = one((s) => s.name === 'mutation StartOne', 'GraphQL operation span');
    expect(operation).toMatchObject({ scope: '@opentelemetry/instrumentation-graphql', parentSpanId: server.spanId });
    expect(childrenOf(server).map((s) => s.name)).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.validate', 'mutation StartOne']));

    const resolver = one((s) => s.name === 'graphql.resolve startCampaign', 'resolver span');
    expect(resolver.parentSpanId).toBe(operation.spanId);

    const aws = one((s) => s.scope === '@opentelemetry/instrumentation-aws-sdk', 'AWS SDK span');
    expect(aws).toMatchObject({ kind: SPAN_KIND.client, parentSpanId: resolver.spanId, name: 'ConnectCampaignsV2.StartCampaign' });
    expect(aws.attributes).toMatchObject({
      'rpc.system': 'aws-api',
      'rpc.method': 'StartCampaign',
      'aws.request.id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });

    const outgoing = one((s) => s.kind === SPAN_KIND.client && s.parentSpanId === aws.spanId, 'outgoing HTTP span');
    expect(outgoing).toMatchObject({ scope: '@opentelemetry/instrumentation-undici', name: 'POST' });
    // The bundled emulator is in the same process, so even its side of the call joins the trace.
    one((s) => s.kind === SPAN_KIND.server && s.parentSpanId === outgoing.spanId, 'emulator HTTP server span');
  });

  it('records no GraphQL argument values', () => {
    const graphql = trace.filter((s) => s.scope === '@opentelemetry/instrumentation-graphql');
    expect(graphql.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(graphql.map((s) => s.attributes))).not.toContain('demo-spring-renewals');
  });

  it('puts trace and span ids on the request’s log lines', () => {
    expect(requestLines.map((l) => l.event)).toEqual(expect.arrayContaining(['campaign.start', 'graphql.request']));
    for (const line of requestLines) expect(line).toMatchObject({ trace_id: TRACE_ID, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('does not trace health checks', () => {
    const mentions = (path: string) => collector.spans.filter((s) => JSON.stringify(s.attributes).includes(path));
    expect(mentions('/graphql').length).toBeGreaterThan(0);
    expect(mentions('/healthz')).toEqual([]);
  });
});

describeBuilt('tracing, off by default', () => {
  it('loads no OpenTelemetry SDK or instrumentation, so nothing is patched', async () => {
    // As the process exits, lists the OpenTelemetry packages ever required. The API alone is
    // expected: prom-client requires it (a no-op without an SDK) for exemplars.
    const probe = [
      "process.on('exit', () => {",
      "  const loaded = new Set(Object.keys(require.cache).map((file) => /@opentelemetry\\/[\\w.-]+/.exec(file)?.[0]).filter(Boolean));",
      "  process.stderr.write('otel:' + JSON.stringify([...loaded]) + '\\n');",
      '});',
      `require(${JSON.stringify(MAIN)});`,
    ].join('\n');
    const off = await startServerProcess({}, ['-e', probe]);
    off.child.kill('SIGTERM');
    expect(await off.exit).toBe(0);
    expect(off.stderr()).toContain('otel:["@opentelemetry/api"]');
    expect(off.lines.find((l) => typeof l.url === 'string')).toMatchObject({ tracing: 'off' });
  });
});
