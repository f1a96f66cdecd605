import { ConfigError, loadConfig, type Config } from './config';

/** Every problem on a line of its own, so all of them can be fixed in one go. */
function exitWithConfigError(err: ConfigError): never {
  process.stderr.write(`campaign-gateway: invalid configuration:\n${err.problems.map((p) => `  ${p.variable}: ${p.problem}\n`).join('')}`);
  process.exit(1);
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) exitWithConfigError(err);
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
  // A setting found wrong only at start (AWS_REGION, which the AWS SDK resolves; EMULATOR_PORT in use).
  if (err instanceof ConfigError) exitWithConfigError(err);
  process.stderr.write(`campaign-gateway: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
