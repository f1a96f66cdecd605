import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// A caller's id is echoed only if it is short and plain, so it cannot forge log content.
const ACCEPTABLE = /^[\w.:@/+=-]{1,128}$/;

/** The request's x-request-id: the caller's when acceptable, else a new UUID. */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const sent = headers['x-request-id'];
  return typeof sent === 'string' && ACCEPTABLE.test(sent) ? sent : randomUUID();
}
