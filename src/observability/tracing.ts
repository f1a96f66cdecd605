/**
 * OpenTelemetry tracing, loaded only when the OTEL_* variables turn it on (see config.ts) and
 * before anything it instruments: require-in-the-middle patches `http`, `graphql`, the AWS SDK
 * and pino as they are first required, so main.ts starts this, then loads the server.
 *
 * Spans: the HTTP request (its parent taken from the incoming `traceparent`), the GraphQL
 * operation (parse, validate, execute, and each non-trivial resolver), each AWS SDK call and its
 * HTTP request (sent through undici, so traced by undici's instrumentation). Log lines written
 * inside a span get `trace_id` and `span_id`.
 *
 * Everything else is the SDK's standard configuration: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and
 * _HEADERS, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*.
 */
import type { IncomingMessage } from 'node:http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface Tracing {
  /** Ends instrumentation and exports the spans still buffered. */
  shutdown(): Promise<void>;
}

/** Probes and scrapes would otherwise be most of the traces. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function isUntraced(req: IncomingMessage): boolean {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  return UNTRACED_PATHS.has(queryAt === -1 ? url : url.slice(0, queryAt));
}

export function startTracing(): Tracing {
  const provider = new NodeTracerProvider({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the defaults.
    resource: defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'campaign-gateway' }))
      .merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // Global tracer provider, AsyncLocalStorage context, W3C trace-context and baggage propagation.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: isUntraced,
        // Links a trace to the request's log lines, the generated id included.
        headersToSpanAttributes: { server: { responseHeaders: ['x-request-id'] } },
      }),
      // Argument values (campaign ids) are masked in the spans' GraphQL source.
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, allowValues: false }),
      new AwsInstrumentation(),
      // The AWS calls' HTTP requests (src/aws/undiciHttpHandler.ts), with `traceparent` sent on.
      new UndiciInstrumentation(),
      // Only adds trace_id/span_id to log lines; the lines still go to stdout, not to OTLP.
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
