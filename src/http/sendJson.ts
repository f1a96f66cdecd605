import type { ServerResponse } from 'node:http';

/** A JSON answer written by the gateway itself, outside Apollo (refusals, health, readiness, 404s). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
