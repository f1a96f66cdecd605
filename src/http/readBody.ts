import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** The body did not arrive within the allowed time (a slow or stalled upload). */
export class BodyTimeoutError extends Error {
  override readonly name = 'BodyTimeoutError';
}

/**
 * Reads a request body as UTF-8, refusing (before reading, where the length is declared) past
 * `limit` bytes, and giving up when it has not all arrived within `timeoutMs`: a stalled upload
 * must not hold its buffered bytes for Node's 300 s default.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const stop = (err: Error) => {
      clearTimeout(timer);
      req.removeListener('data', onData);
      req.pause();
      chunks = [];
      reject(err);
    };
    const timer = setTimeout(() => stop(new BodyTimeoutError()), timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return stop(new BodyTooLargeError());
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // The client went away before sending everything: nothing will come.
    req.once('close', () => {
      if (!req.complete) stop(new BodyTimeoutError('the client closed the connection before sending the whole body'));
    });
  });
}
