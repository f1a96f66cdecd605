import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config';
import { LOG_MESSAGE_MAX_CHARS, bounded, boundedFields } from './logFields';

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
 * (docs/decisions/0003-exact-path-redaction-for-event-lines.md).
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

let second = Number.NaN;
let secondPrefix = '';

/**
 * pino's `isoTime` field (`,"time":"2026-12-07T05:44:24.661Z"`) for `ms`, with the part up to the
 * second formatted once a second: a `Date` and its `toISOString()` cost about 1.5 µs a line.
 */
export function isoTimeField(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s !== second) {
    second = s;
    // Up to and with the dot: "2026-12-07T05:44:24."
    secondPrefix = `,"time":"${new Date(s * 1000).toISOString().slice(0, -4)}`;
  }
  const milli = ms - s * 1000;
  return `${secondPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z"`;
}

/**
 * Every line of this logger and its children has its fields, bindings, error and message
 * bounded (see logFields.ts): the one place that holds, so a new log line cannot skip it.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'campaign-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: () => isoTimeField(Date.now()),
      formatters: { log: boundedFields },
      serializers: { err: (err: Error) => boundedFields(pino.stdSerializers.err(err) as unknown as Record<string, unknown>) },
      hooks: {
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) {
            const arg: unknown = args[i];
            if (typeof arg === 'string' && arg.length > LOG_MESSAGE_MAX_CHARS) (args as unknown[])[i] = bounded(arg, LOG_MESSAGE_MAX_CHARS);
          }
          return method.apply(this, args);
        },
      },
    },
    destination,
  );
  // pino formats only the root's bindings; children (made through this method, which they
  // inherit) get theirs bounded here.
  const child = logger.child;
  logger.child = function boundedChild(this: Logger, bindings, options) {
    return child.call(this, boundedFields(bindings), options);
  } as typeof child;
  return logger;
}
