import { startHarness } from '../helpers/gatewayHarness';
import { createJwtVerifier, KeySetUnavailableError } from '../../src/auth/jwtVerifier';
import { AUDIENCE, bearer, ISSUER, jwtEnv, makeKey, signToken, startJwksServer } from '../helpers/jwks';

/**
 * The identity provider's key set failing, against the real JWKS fetcher (jose) and a loopback
 * key server answering 503: fetches are backed off, requests meanwhile get 503 at once, and the
 * outage is logged once when it starts and once when it ends.
 */
const READ = '{ campaign(id: "demo-running-survey") { state } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a key-set outage', () => {
  it('costs one fetch and one log line for 100 requests, forged tokens included, each answered 503', async () => {
    const key = await makeKey('key-a');
    const idp = await startJwksServer([key]);
    idp.status = 503;
    // A first back-off longer than the burst, so the count below does not depend on machine speed.
    const g = await startHarness({ maxAttempts: 1, env: jwtEnv(idp), jwksBackoff: { initialMs: 60_000, maxMs: 60_000 } });
    try {
      const tokens = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => (i % 2 === 0 ? signToken(key, { subject: `user-${i}` }) : signToken(await makeKey(`nobody-${i}`, 'ES256')))),
      );
      const from = g.logs.length;
      const answers = [];
      for (const token of tokens) answers.push(await g.graphql(READ, {}, bearer(token)));
      for (const res of answers) {
        expect(res.status).toBe(503);
        expect(res.body.errors?.[0]?.extensions?.['code']).toBe('AUTHENTICATION_UNAVAILABLE');
      }
      expect(idp.fetches).toBe(1);
      await sleep(50);
      const lines = g.logs.slice(from);
      expect(lines.filter((line) => line['event'] === 'jwks.unavailable')).toEqual([
        expect.objectContaining({ level: 40, jwksUrl: idp.url, problem: 'HTTP 503', retryInMs: 60_000 }),
      ]);
      expect(lines.filter((line) => Number(line['level']) >= 50)).toEqual([]);
      expect(lines.filter((line) => line['event'] === 'auth.rejected')).toEqual([]);
      expect(g.emulator.callCount()).toBe(0);
    } finally {
      await g.close();
      await idp.close();
    }
  });

  it('is fetched again after the back-off, and recovery is logged once', async () => {
    const key = await makeKey('key-a');
    const idp = await startJwksServer([key]);
    idp.status = 503;
    const g = await startHarness({ maxAttempts: 1, env: jwtEnv(idp), jwksBackoff: { initialMs: 300, maxMs: 300 } });
    try {
      const token = await signToken(key);
      expect((await g.graphql(READ, {}, bearer(token))).status).toBe(503);
      idp.status = 200;
      await sleep(400);
      expect((await g.graphql(READ, {}, bearer(token))).body).toEqual({ data: { campaign: { state: 'RUNNING' } } });
      expect((await g.graphql(READ, {}, bearer(token))).status).toBe(200);
      expect(idp.fetches).toBe(2);
      await sleep(50);
      expect(g.logs.filter((line) => line['event'] === 'jwks.unavailable')).toHaveLength(1);
      expect(g.logs.filter((line) => line['event'] === 'jwks.recovered')).toEqual([
        expect.objectContaining({ level: 30, failedFetches: 1, outageMs: expect.any(Number) }),
      ]);
    } finally {
      await g.close();
      await idp.close();
    }
  });
});

describe('the key-set back-off', () => {
  it('doubles after each failed fetch, from initialMs up to maxMs', async () => {
    const key = await makeKey('key-a');
    const idp = await startJwksServer([key]);
    idp.status = 503;
    const warnings: unknown[] = [];
    const verify = createJwtVerifier({
      jwksUrl: idp.url,
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { backoff: { initialMs: 400, maxMs: 800 } },
      logger: { warn: (fields: unknown) => warnings.push(fields), info: () => undefined } as never,
    });
    const token = await signToken(key);
    const attempt = () => expect(verify(token)).rejects.toBeInstanceOf(KeySetUnavailableError);
    try {
      await attempt(); // fetch 1 fails: back off 400 ms
      await attempt(); // within the back-off: no fetch
      expect(idp.fetches).toBe(1);
      await sleep(500);
      await attempt(); // fetch 2 fails: back off 800 ms
      await sleep(500);
      await attempt(); // still within 800 ms: no fetch
      expect(idp.fetches).toBe(2);
      await sleep(400);
      await attempt(); // fetch 3 fails: back off stays at 800 ms (the maximum)
      expect(idp.fetches).toBe(3);
      expect(warnings).toHaveLength(1);
    } finally {
      await idp.close();
    }
  });
});
