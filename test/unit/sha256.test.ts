import { createHash, createHmac } from 'node:crypto';
import { Sha256 as SdkSha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { Sha256 } from '../../src/aws/sha256';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function digestOf(secret: string | Uint8Array | undefined, chunks: Uint8Array[]): Promise<string> {
  const h = new Sha256(secret);
  for (const chunk of chunks) h.update(chunk);
  return hex(await h.digest());
}

describe('the SDK client’s SHA-256', () => {
  it('gives node:crypto’s SHA-256 and HMAC-SHA256, in one update or several', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }), fc.option(fc.oneof(fc.string({ minLength: 1 }), fc.uint8Array({ maxLength: 100 }))), async (chunks, secret) => {
        const reference = secret === null ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret));
        for (const chunk of chunks) reference.update(chunk);
        expect(await digestOf(secret ?? undefined, chunks)).toBe(reference.digest('hex'));
      }),
    );
    // An empty string secret is none, as for the SDK's own.
    expect(await digestOf('', [Buffer.from('x')])).toBe(createHash('sha256').update('x').digest('hex'));
  });

  it('answers a repeated HMAC right, whatever the caller did with the last digest', async () => {
    const expected = createHmac('sha256', 'secret').update('AKID').digest('hex');
    const first = new Sha256('secret');
    first.update(Buffer.from('AKID'));
    (await first.digest()).fill(0);
    expect(await digestOf('secret', [Buffer.from('AKID')])).toBe(expected);
    expect(await digestOf('secret', [Buffer.from('AKIE')])).toBe(createHmac('sha256', 'secret').update('AKIE').digest('hex'));
    expect(await digestOf('other', [Buffer.from('AKID')])).toBe(createHmac('sha256', 'other').update('AKID').digest('hex'));
    expect(await digestOf('secret', [Buffer.from('AKID')])).toBe(expected);
  });

  it('signs a request exactly as the SDK’s own SHA-256 does', async () => {
    const signer = (sha256: typeof Sha256 | typeof SdkSha256) =>
      new SignatureV4({ credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, region: 'us-east-1', service: 'connect-campaigns', sha256, uriEscapePath: true });
    const request = () => ({
      method: 'PUT',
      protocol: 'https:',
      hostname: 'connect-campaigns.us-east-1.amazonaws.com',
      path: '/v2/campaigns/c1/start',
      query: { a: 'b' },
      headers: { host: 'connect-campaigns.us-east-1.amazonaws.com', 'content-type': 'application/json' },
      body: '{"x":1}',
    });
    const signingDate = new Date('2026-12-07T05:00:00Z');
    for (const body of ['{"x":1}', '', undefined]) {
      const ours = await signer(Sha256).sign({ ...request(), body }, { signingDate });
      const sdk = await signer(SdkSha256).sign({ ...request(), body }, { signingDate });
      expect(ours.headers).toEqual(sdk.headers);
    }
  });
});
