import { Readable } from 'node:stream';
import { ConnectCampaignsV2Client, GetCampaignStateBatchCommand } from '@aws-sdk/client-connectcampaignsv2';
import { HttpResponse } from '@smithy/core/protocols';
import { createCampaignsClient } from '../../src/aws/campaignsClient';
import { buildSdkClient, REMOVED_SDK_STEPS } from '../../src/aws/sdkClient';

/** A 200 answer whose body is `{}`, as AWS gives an operation with nothing to say. */
const emptyJsonAnswer = () => new HttpResponse({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Readable.from(['{}']) });

/**
 * What src/aws/sdkClient.ts (and the attempt bounds it installs) relies on inside the AWS SDK. Each test fails when an SDK update
 * changes one of these under the boundary, before that shows up as a lost deadline or a slower call.
 */
describe('the AWS SDK internals the campaigns boundary relies on', () => {
  const fresh = () => new ConnectCampaignsV2Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });

  it('still has the per-call steps the boundary removes, under the same names', () => {
    const client = fresh();
    for (const step of REMOVED_SDK_STEPS) expect(client.middlewareStack.remove(step)).toBe(true);
    // And the boundary builds (it refuses to start if one is missing).
    expect(() => createCampaignsClient({ requestTimeoutMs: 1000, connectTimeoutMs: 1000, emulatorEndpoint: 'http://127.0.0.1:1' }).destroy()).not.toThrow();
  });

  it('reads the answer body inside the finalizeRequest step, where attempts are recorded and cut', async () => {
    const client = new ConnectCampaignsV2Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      maxAttempts: 1,
      requestHandler: {
        handle: async () => ({
          response: new HttpResponse({
            statusCode: 200,
            headers: { 'content-type': 'application/json' },
            body: new Readable({
              read() {
                this.push('{"successfulRequests":');
                this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
              },
            }),
          }),
        }),
      },
    });
    const seen: unknown[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          seen.push(err);
          throw err;
        }
      },
      { step: 'finalizeRequest', name: 'probe', priority: 'low' },
    );
    await expect(client.send(new GetCampaignStateBatchCommand({ campaignIds: ['c1'] }))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(seen).toHaveLength(1);
    // With the status line the deserializer attaches, which the classifier reads.
    expect(seen[0]).toMatchObject({ $metadata: { httpStatusCode: 200 } });
  });

  it('builds signers through config.signer(authScheme), which the boundary wraps to keep one per scope', async () => {
    const client = fresh();
    expect(typeof client.config.signer).toBe('function');
    const signer = await client.config.signer({ name: 'sigv4', signingName: 'connect-campaigns', signingRegion: 'us-east-1', properties: {} });
    expect(typeof signer.sign).toBe('function');
  });

  it("builds a command's steps from client.config as it is when the command is first sent, which the boundary replaces with a fast copy", async () => {
    const withEndpoint = (endpoint: string, seen: string[]) =>
      new ConnectCampaignsV2Client({
        region: 'us-east-1',
        endpoint,
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
        requestHandler: {
          handle: async (request: { hostname: string }) => {
            seen.push(request.hostname);
            return { response: emptyJsonAnswer() };
          },
        },
      });
    const seen: string[] = [];
    const client = withEndpoint('http://one.invalid:1', seen);
    const other = withEndpoint('http://two.invalid:2', []);
    (client as { config: unknown }).config = Object.defineProperties(
      {},
      { ...Object.getOwnPropertyDescriptors(client.config), endpoint: { value: other.config.endpoint, enumerable: true } },
    );
    await client.send(new GetCampaignStateBatchCommand({ campaignIds: ['c1'] }));
    expect(seen).toEqual(['two.invalid']);
  });

  it("serializes and deserializes through the client's schema serde plugin, which the boundary installs again with the fast copy", async () => {
    const answered = { handle: async () => ({ response: emptyJsonAnswer() }) };
    const client = buildSdkClient({ emulatorEndpoint: 'http://127.0.0.1:1', connectTimeoutMs: 1000, transportForBenchmarks: answered as never });
    // One serializer and one deserializer, under the names the plugin replaces.
    const steps = client.middlewareStack.identify();
    expect(steps.filter((step) => step.startsWith('serializerMiddleware '))).toHaveLength(1);
    expect(steps.filter((step) => step.startsWith('deserializerMiddleware '))).toHaveLength(1);
    // Both steps hand the protocol a copy of the config they hold: it is the one `client.config` now is.
    (client.config as { marker?: string }).marker = 'the fast copy';
    const { protocol } = client.config as unknown as { protocol: { serializeRequest(...a: unknown[]): unknown; deserializeResponse(...a: unknown[]): unknown } };
    const serialize = protocol.serializeRequest.bind(protocol);
    const deserialize = protocol.deserializeResponse.bind(protocol);
    const seen: unknown[] = [];
    jest.spyOn(protocol, 'serializeRequest').mockImplementation((...args) => {
      seen.push((args[2] as { marker?: string }).marker);
      return serialize(...args);
    });
    jest.spyOn(protocol, 'deserializeResponse').mockImplementation((...args) => {
      seen.push((args[1] as { marker?: string }).marker);
      return deserialize(...args);
    });
    // Sent straight through the SDK: the boundary's own step refuses calls that did not come through it.
    client.middlewareStack.remove('campaignGatewayAttemptRecorder');
    await client.send(new GetCampaignStateBatchCommand({ campaignIds: ['c1'] }));
    expect(seen).toEqual(['the fast copy', 'the fast copy']);
    client.destroy();
  });

  it('honours cacheMiddleware, the handler cache the boundary keeps on', () => {
    const client = new ConnectCampaignsV2Client({ region: 'us-east-1', cacheMiddleware: true });
    expect(client.config.cacheMiddleware).toBe(true);
  });
});
