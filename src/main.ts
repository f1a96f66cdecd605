import { ConfigError, loadConfig, type Config } from './config';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`campaign-gateway: invalid configuration: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  // Tracing must start before http, graphql and the AWS SDK are first loaded, so it can patch
  // them; so the server is loaded only after it. With tracing off, OpenTelemetry is never loaded.
  const tracing = config.tracing === 'otlp' ? (await import('./observability/tracing')).startTracing() : undefined;
  const { runServer } = await import('./server');
  await runServer(config, tracing);
}

main().catch((err: unknown) => {
  // A setting found wrong only at start (AWS_REGION, which the AWS SDK resolves).
  if (err instanceof ConfigError) {
    process.stderr.write(`campaign-gateway: invalid configuration: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`campaign-gateway: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
