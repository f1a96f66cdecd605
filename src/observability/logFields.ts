import { createHash } from 'node:crypto';

/**
 * Bounds on what one log line may carry, so no line grows with what a caller sends (a 900 KB
 * operation name, campaign id or error message): log pipelines truncate or drop such lines, and
 * with them the audit record. Applied by the logger itself (see logger.ts) to every line.
 */
export const LOG_FIELD_MAX_CHARS = 256;
/** A stack trace (its first line is the error's message, which may quote caller input). */
export const LOG_STACK_MAX_CHARS = 4096;
/** The message of a line (the second argument of logger.info and friends). */
export const LOG_MESSAGE_MAX_CHARS = 1024;
export const LOG_ARRAY_MAX_ITEMS = 25;
/** Objects nested deeper than this are replaced by a marker. */
const MAX_DEPTH = 6;

/**
 * `value` when short enough, else its first `max` characters followed by a marker with the
 * original length and the start of its SHA-256 (to match the line against a request found elsewhere).
 */
export function bounded(value: string, max: number = LOG_FIELD_MAX_CHARS): string {
  if (value.length <= max) return value;
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 16);
  return `${value.slice(0, max)}…[cut: ${value.length} chars, sha256 ${hash}]`;
}

/** Plain data (also pino's serialized errors, whose prototype chain ends in Object); not Errors, Buffers, Maps, ... */
function isPlainObject(value: object): value is Record<string, unknown> {
  const ctor = (value as { constructor?: unknown }).constructor;
  return ctor === Object || ctor === undefined;
}

function boundedValue(key: string, value: unknown, depth: number): unknown {
  if (typeof value === 'string') return bounded(value, key === 'stack' ? LOG_STACK_MAX_CHARS : LOG_FIELD_MAX_CHARS);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return '…[cut: nested too deep]';
    let out: unknown[] | undefined;
    const keep = Math.min(value.length, LOG_ARRAY_MAX_ITEMS);
    for (let i = 0; i < keep; i++) {
      const item = boundedValue(key, value[i], depth + 1);
      if (item !== value[i]) (out ??= value.slice(0, keep))[i] = item;
    }
    if (value.length <= LOG_ARRAY_MAX_ITEMS) return out ?? value;
    return [...(out ?? value.slice(0, keep)), `…[cut: ${value.length} items]`];
  }
  // Errors are bounded after pino's err serializer has made a plain object of them.
  if (!isPlainObject(value)) return value;
  if (depth >= MAX_DEPTH) return '…[cut: nested too deep]';
  return boundedFields(value, depth + 1);
}

/** `fields` with every string (at any depth) and array bounded; the same object when nothing needed cutting. */
export function boundedFields<T extends Record<string, unknown>>(fields: T, depth = 0): T {
  let out: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    const next = boundedValue(key, value, depth);
    if (next !== value) (out ??= { ...fields })[key] = next;
  }
  return (out ?? fields) as T;
}
