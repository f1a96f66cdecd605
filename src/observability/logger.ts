import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config';

export type { Logger };

/** Paths that may carry secrets; pino replaces their values before a line is written. */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-amz-security-token"]',
  'token',
  '*.token',
  'credentials',
  '*.credentials',
  '*.secretAccessKey',
  '*.sessionToken',
];

/**
 * What `eventLogger` redacts: the secret keys at the top of a line, by exact path. The wildcard
 * paths above make pino run every line through @pinojs/redact, a cost that showed on every start
 * (BENCHMARKS.md, step 5).
 */
export const EVENT_REDACTED_PATHS = ['authorization', 'token', 'credentials', 'secretAccessKey', 'sessionToken'];

/**
 * A child of `logger` for the gateway's event lines of a fixed, typed shape made only of ids,
 * names, codes and numbers (`graphql.request`, `campaign.start`): same destination and bindings,
 * with only `EVENT_REDACTED_PATHS` redacted. Anything else (errors above all) goes through the
 * fully redacted logger.
 */
export function eventLogger(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: EVENT_REDACTED_PATHS, censor: '[redacted]' } });
}

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'campaign-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
