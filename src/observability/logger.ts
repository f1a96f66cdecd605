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
