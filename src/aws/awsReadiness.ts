import { ConfigError } from '../config';

/** Where the readiness lines go (a pino logger fits); aws sits below observability and imports none of it. */
export interface ReadinessLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** The SDK client's own region and credential providers (`client.config`), which every call uses. */
export interface AwsProviders {
  region(): Promise<string>;
  credentials(): Promise<unknown>;
}

/** What the warning names: the SDK's standard chain, in the order it tries its sources. */
export const CREDENTIAL_CHAIN =
  'AWS SDK default credential provider chain (environment, SSO, shared config/credentials files, credential_process, ' +
  'web identity token file (IRSA), container endpoint (ECS, EKS Pod Identity) or EC2 instance metadata)';

/** Background retries after a failed resolution: first after this long, doubling up to the maximum. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** SDK messages name files and profiles, not secrets; still, a line stays bounded. */
const REASON_MAX_CHARS = 300;

/**
 * Exits at start (as a ConfigError naming AWS_REGION) when the SDK finds no region, instead of
 * starting and then failing every call with "Region is missing".
 */
export async function requireAwsRegion(providers: AwsProviders): Promise<string> {
  try {
    const region = await providers.region();
    if (region) return region;
  } catch {
    // The SDK's "Region is missing": said below in the operator's terms.
  }
  throw new ConfigError('AWS_REGION', 'must be set when CAMPAIGNS_BACKEND=aws (or a region given for the profile in the AWS config file)');
}

export interface CredentialsReadiness {
  /** Why /readyz must answer 503, or undefined once credentials have been resolved. */
  notReadyReason(): string | undefined;
  /** Stops the background retries. */
  stop(): void;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > REASON_MAX_CHARS ? `${message.slice(0, REASON_MAX_CHARS)}…` : message;
}

/**
 * Resolves credentials through the client's own provider (the SDK's standard chain) once at
 * start, within `timeoutMs`. If that fails the gateway still starts, alive but not ready: one
 * warning line names the chain and its reason, and retries continue in the background until
 * credentials appear (a pod whose IAM role or pod identity association arrives late turns ready
 * by itself). Only the outcome is kept, never the credentials.
 */
export async function watchAwsCredentials(providers: AwsProviders, logger: ReadinessLog, { timeoutMs }: { timeoutMs: number }): Promise<CredentialsReadiness> {
  let reason: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let retryMs = RETRY_FIRST_MS;

  const attempt = async (): Promise<boolean> => {
    try {
      await withTimeout(providers.credentials(), timeoutMs);
      return true;
    } catch (err) {
      reason = `AWS credentials could not be resolved: ${reasonOf(err)}`;
      return false;
    }
  };

  const retry = () => {
    timer = setTimeout(() => {
      void attempt().then((ok) => {
        if (stopped) return;
        if (ok) {
          reason = undefined;
          logger.info({ event: 'aws.credentials.resolved' }, 'AWS credentials resolved: ready');
          return;
        }
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        retry();
      });
    }, retryMs);
    timer.unref();
  };

  if (!(await attempt())) {
    logger.warn(
      { event: 'aws.credentials.unavailable', provider: CREDENTIAL_CHAIN, reason },
      'AWS credentials could not be resolved: /readyz answers 503 until they are (retrying in the background)',
    );
    retry();
  }
  return {
    notReadyReason: () => reason,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
