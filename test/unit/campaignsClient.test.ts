import { createCampaignsClient } from '../../src/aws/campaignsClient';

/** The SDK reads AWS_MAX_ATTEMPTS and AWS_RETRY_MODE itself; the gateway must not override them. */
describe('retry settings of the campaigns client', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  async function retryOf(env: Record<string, string>) {
    Object.assign(process.env, env);
    const client = createCampaignsClient({ requestTimeoutMs: 3000, connectTimeoutMs: 1000, emulatorEndpoint: 'http://127.0.0.1:1' });
    try {
      return await client.retrySettings();
    } finally {
      client.destroy();
    }
  }

  it('uses the SDK standard mode (with its retry quota) and 3 attempts by default', async () => {
    await expect(retryOf({})).resolves.toEqual({ mode: 'standard', maxAttempts: 3 });
  });

  it('honours AWS_RETRY_MODE=adaptive and AWS_MAX_ATTEMPTS', async () => {
    await expect(retryOf({ AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '5' })).resolves.toEqual({ mode: 'adaptive', maxAttempts: 5 });
  });
});
