/**
 * The SDK client's `sha256` (what the SigV4 signer hashes and signs with): the SDK's own for Node
 * (`@smithy/core/checksum`'s, on node:crypto), at about two thirds of its CPU per signature
 * (docs/decisions/0001-tuned-sdk-client.md):
 * - a plain digest is one `crypto.hash` call; the SDK's keeps a Hash object and copies it to digest;
 * - the signer computes an HMAC on every call only to look its cached signing key up (the secret
 *   key over the access key id); the last HMAC keyed by a string secret is kept, so that one is
 *   computed again only when the credentials change.
 */
import { createHmac, hash } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** The last HMAC computed with a string secret (the signer's per-call lookup repeats it). */
let lastKeyedByString: { secret: string; data: Buffer; digest: Buffer } | undefined;

function hmacOf(secret: SourceData, data: Buffer): Uint8Array {
  if (typeof secret !== 'string') return createHmac('sha256', bytesOf(secret)).update(data).digest();
  const last = lastKeyedByString;
  if (last && last.secret === secret && last.data.equals(data)) return Buffer.from(last.digest);
  const digest = createHmac('sha256', secret).update(data).digest();
  lastKeyedByString = { secret, data: Buffer.from(data), digest: Buffer.from(digest) };
  return digest;
}

export class Sha256 implements Checksum {
  private chunks: Buffer[] = [];

  /** With a secret, HMAC-SHA256 keyed by it (an empty secret is none, as for the SDK's own). */
  constructor(private readonly secret?: SourceData) {}

  update(data: Uint8Array): void {
    this.chunks.push(bytesOf(data));
  }

  digest(): Promise<Uint8Array> {
    const data = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const keyed = typeof this.secret === 'string' ? this.secret.length > 0 : this.secret !== undefined;
    return Promise.resolve(keyed ? hmacOf(this.secret as SourceData, data) : hash('sha256', data, 'buffer'));
  }

  reset(): void {
    this.chunks = [];
  }
}
