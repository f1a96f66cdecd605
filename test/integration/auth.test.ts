import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { startHarness, type Harness } from '../helpers/gatewayHarness';
import { AUDIENCE, bearer, ISSUER, jwtEnv, makeKey, rawToken, signToken, startJwksServer, type JwksServer, type SigningKey } from '../helpers/jwks';

const START = 'mutation Start($id: ID!) { startCampaign(id: $id) { __typename ... on CampaignError { code requestId } } }';
const READ = '{ campaign(id: "demo-running-survey") { state } }';

interface StartData {
  startCampaign: { __typename: string; code?: string; requestId?: string | null } | null;
}

let jwks: JwksServer;
let keyA: SigningKey;
let h: Harness;

beforeAll(async () => {
  keyA = await makeKey('key-a');
  jwks = await startJwksServer([keyA]);
  // Cooldown 0 so the rotation test need not wait out jose's 30 s between key set fetches.
  h = await startHarness({ maxAttempts: 1, env: jwtEnv(jwks), jwksCooldownMs: 0 });
});
afterAll(async () => {
  await h.close();
  await jwks.close();
});
beforeEach(() => {
  h.emulator.store.reset();
  h.emulator.resetCalls();
  jwks.keys = [keyA];
});

async function expectUnauthenticated(headers: Record<string, string>, challenge = /^Bearer error="invalid_token"$/) {
  const res = await h.graphql(START, { id: 'demo-spring-renewals' }, headers);
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(challenge);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
  expect(h.emulator.callCount()).toBe(0);
}

describe('AUTH_MODE=jwt: who is calling', () => {
  it('accepts a valid token and audits the start under its subject', async () => {
    const token = await signToken(keyA, { subject: 'alice', claims: { scope: 'openid campaigns:start' } });
    const res = await h.graphql<StartData>(START, { id: 'demo-spring-renewals' }, { ...bearer(token), 'x-request-id': 'auth-ok-1' });
    expect(res.status).toBe(200);
    expect(res.body.data?.startCampaign?.__typename).toBe('StartCampaignSuccess');
    expect(h.logs.filter((l) => l.event === 'campaign.start' && l.requestId === 'auth-ok-1')).toEqual([
      expect.objectContaining({ principal: 'alice', campaignId: 'demo-spring-renewals', outcome: 'StartCampaignSuccess' }),
    ]);
  });

  it('reads the start scope from an `scp` array too', async () => {
    const token = await signToken(keyA, { claims: { scp: ['campaigns:read', 'campaigns:start'] } });
    const res = await h.graphql<StartData>(START, { id: 'demo-spring-renewals' }, bearer(token));
    expect(res.body.data?.startCampaign?.__typename).toBe('StartCampaignSuccess');
  });

  it('tolerates a small clock skew on exp', async () => {
    const token = await signToken(keyA, { expiresIn: -10 });
    const res = await h.graphql(READ, {}, bearer(token));
    expect(res.status).toBe(200);
  });

  it('answers a missing token 401 with a bare Bearer challenge', async () => {
    await expectUnauthenticated({}, /^Bearer$/);
  });

  it.each([
    ['expired', { expiresIn: -120 }],
    ['not yet valid (nbf in the future)', { notBefore: 120 }],
    ['from another issuer', { issuer: 'https://evil.example/' }],
    ['for another audience', { audience: 'some-other-api' }],
  ])('answers a token %s with 401, and calls no AWS', async (_case, options) => {
    await expectUnauthenticated(bearer(await signToken(keyA, options)));
  });

  it('answers a token signed with a key the JWKS does not have (unknown kid) with 401', async () => {
    const stranger = await makeKey('key-unknown');
    await expectUnauthenticated(bearer(await signToken(stranger)));
  });

  it('answers a token that names a known kid but is signed by another key with 401', async () => {
    const impostor = { ...(await makeKey('key-a')), publicJwk: keyA.publicJwk };
    await expectUnauthenticated(bearer(await signToken(impostor)));
  });

  it('follows a key rotation: a token with a new kid refetches the key set; the retired key stops working', async () => {
    const keyB = await makeKey('key-b', 'ES256');
    const before = await signToken(keyA);
    expect((await h.graphql(READ, {}, bearer(before))).status).toBe(200);
    jwks.keys = [keyB];
    const fetches = jwks.fetches;
    const after = await signToken(keyB, { claims: { scope: 'campaigns:start' } });
    const res = await h.graphql<StartData>(START, { id: 'demo-spring-renewals' }, bearer(after));
    expect(res.body.data?.startCampaign?.__typename).toBe('StartCampaignSuccess');
    expect(jwks.fetches).toBeGreaterThan(fetches);
    h.emulator.resetCalls();
    await expectUnauthenticated(bearer(await signToken(keyA)));
  });

  it('refuses alg "none"', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = rawToken({ alg: 'none', typ: 'JWT' }, { iss: ISSUER, aud: AUDIENCE, sub: 'mallory', exp: now + 300, scope: 'campaigns:start' });
    await expectUnauthenticated(bearer(token));
  });

  it('refuses HS256 "signed" with the public key (key confusion)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'HS256', typ: 'JWT', kid: keyA.kid };
    const payload = { iss: ISSUER, aud: AUDIENCE, sub: 'mallory', exp: now + 300, scope: 'campaigns:start' };
    const pem = createPublicKey({ key: keyA.publicJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const signingInput = rawToken(header, payload).slice(0, -1); // "header.payload"
    const signature = createHmac('sha256', pem).update(signingInput).digest('base64url');
    await expectUnauthenticated(bearer(`${signingInput}.${signature}`));
  });

  it.each([['not-a-jwt'], ['a.b.c'], ['eyJhbGciOiJSUzI1NiJ9.e30']])('refuses the malformed token %j', async (token) => {
    await expectUnauthenticated(bearer(token));
  });

  it('refuses a header that is not a bearer token', async () => {
    await expectUnauthenticated({ authorization: 'Basic dXNlcjpwYXNz' });
  });

  it('refuses a token without exp or without sub', async () => {
    await expectUnauthenticated(bearer(await signTokenWithout(keyA, 'exp')));
    await expectUnauthenticated(bearer(await signTokenWithout(keyA, 'sub')));
  });

  it('needs a token on GET queries too', async () => {
    const res = await fetch(`${h.url}?query=${encodeURIComponent(READ)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(401);
  });

  it('still serves the explorer and its files to a browser (its requests then need the header)', async () => {
    const res = await fetch(h.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/explorer/graphiql.min.js');
    expect((await fetch(new URL('/explorer/graphiql.min.js', h.url))).status).toBe(200);
    expect(await (await fetch(`${h.url}?sandbox`, { headers: { accept: 'text/html' } })).text()).toContain('embeddable-sandbox');
  });

  it('serves health, readiness and metrics without a token', async () => {
    const base = h.url.replace(/\/graphql$/, '');
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${base}${path}`)).status).toBe(200);
  });

  it('logs why a request was refused, never the token', async () => {
    const token = await signToken(keyA, { expiresIn: -3600 });
    await h.graphql(READ, {}, { ...bearer(token), 'x-request-id': 'auth-expired-1' });
    expect(h.logs).toContainEqual(expect.objectContaining({ event: 'auth.rejected', reason: 'ERR_JWT_EXPIRED', requestId: 'auth-expired-1' }));
    expect(JSON.stringify(h.logs)).not.toContain(token.split('.')[2]);
  });
});

describe('scopes', () => {
  it('answers a start without the start scope with CampaignAccessDeniedError, requestId null, no AWS call, audited', async () => {
    const token = await signToken(keyA, { subject: 'bob', claims: { scope: 'campaigns:read' } });
    const res = await h.graphql<StartData>(START, { id: 'demo-spring-renewals' }, { ...bearer(token), 'x-request-id': 'no-scope-1' });
    expect(res.status).toBe(200);
    expect(res.body.data?.startCampaign).toEqual({ __typename: 'CampaignAccessDeniedError', code: 'ACCESS_DENIED', requestId: null });
    expect(h.emulator.callCount()).toBe(0);
    expect(h.logs.filter((l) => l.event === 'campaign.start' && l.requestId === 'no-scope-1')).toEqual([
      expect.objectContaining({ principal: 'bob', outcome: 'CampaignAccessDeniedError', awsRequestId: null }),
    ]);
  });

  it('does not take a scope that only starts with the start scope, or a scope list in the wrong claim type', async () => {
    for (const claims of [{ scope: 'campaigns:start:all' }, { scope: ['campaigns', 'start'] }, { scp: 'campaigns:starter' }]) {
      const token = await signToken(keyA, { claims });
      const res = await h.graphql<StartData>(START, { id: 'demo-spring-renewals' }, bearer(token));
      expect(res.body.data?.startCampaign?.__typename).toBe('CampaignAccessDeniedError');
    }
    expect(h.emulator.callCount()).toBe(0);
  });

  it('lets a valid token without the start scope read', async () => {
    const token = await signToken(keyA, { claims: { scope: 'campaigns:read' } });
    const res = await h.graphql(READ, {}, bearer(token));
    expect(res.body).toEqual({ data: { campaign: { state: 'RUNNING' } } });
  });
});

describe('scopes of each action: start and resume need AUTH_START_SCOPE, pause and stop AUTH_STOP_SCOPE', () => {
  const ACTIONS = [
    { field: 'startCampaign', event: 'campaign.start', scope: 'campaigns:start', state: 'Initialized' },
    { field: 'resumeCampaign', event: 'campaign.resume', scope: 'campaigns:start', state: 'Paused' },
    { field: 'pauseCampaign', event: 'campaign.pause', scope: 'campaigns:stop', state: 'Running' },
    { field: 'stopCampaign', event: 'campaign.stop', scope: 'campaigns:stop', state: 'Running' },
  ] as const;
  const other = (scope: string) => (scope === 'campaigns:start' ? 'campaigns:stop' : 'campaigns:start');

  it.each(ACTIONS)('refuses $field without $scope (holding the other one): CampaignAccessDeniedError, requestId null, no AWS call, audited', async ({ field, event, scope, state }) => {
    h.emulator.store.put({ id: 'scoped-1', state });
    const token = await signToken(keyA, { subject: 'carol', claims: { scope: `campaigns:read ${other(scope)}` } });
    const res = await h.graphql<Record<string, unknown>>(
      `mutation Act($id: ID!) { ${field}(id: $id) { __typename ... on CampaignError { code requestId retryable message } } }`,
      { id: 'scoped-1' },
      { ...bearer(token), 'x-request-id': `no-scope-${field}` },
    );
    expect(res.status).toBe(200);
    expect(res.body.data?.[field]).toEqual({
      __typename: 'CampaignAccessDeniedError',
      code: 'ACCESS_DENIED',
      requestId: null,
      retryable: false,
      message: expect.stringContaining(scope),
    });
    expect(h.emulator.callCount()).toBe(0);
    expect(h.emulator.store.get('scoped-1')?.state).toBe(state);
    expect(h.logs.filter((l) => l.requestId === `no-scope-${field}` && l.event === event)).toEqual([
      expect.objectContaining({ principal: 'carol', campaignId: 'scoped-1', outcome: 'CampaignAccessDeniedError', awsRequestId: null }),
    ]);
  });

  it.each(ACTIONS)('runs $field with $scope', async ({ field, scope, state }) => {
    h.emulator.store.put({ id: 'scoped-1', state });
    const token = await signToken(keyA, { claims: { scope } });
    const res = await h.graphql<Record<string, { __typename: string }>>(`mutation { ${field}(id: "scoped-1") { __typename } }`, {}, bearer(token));
    expect(res.body.data?.[field]?.__typename).toMatch(/Success$/);
  });

  it('refuses each action of a mixed operation by its own scope, running the others', async () => {
    h.emulator.store.put({ id: 'scoped-1', state: 'Running' });
    h.emulator.store.put({ id: 'scoped-2', state: 'Initialized' });
    const token = await signToken(keyA, { claims: { scope: 'campaigns:stop' } });
    const res = await h.graphql(
      `mutation { s: startCampaign(id: "scoped-2") { __typename } p: pauseCampaign(id: "scoped-1") { __typename } }`,
      {},
      bearer(token),
    );
    expect(res.body.data).toEqual({ s: { __typename: 'CampaignAccessDeniedError' }, p: { __typename: 'PauseCampaignSuccess' } });
    expect(h.emulator.calls.map((c) => c.operation)).toEqual(['PauseCampaign']);
  });
});

describe('AUTH_STOP_SCOPE', () => {
  it('names the scope pause and stop need', async () => {
    const idp = await startJwksServer([keyA]);
    const g = await startHarness({ maxAttempts: 1, env: { ...jwtEnv(idp), AUTH_STOP_SCOPE: 'campaigns:halt' } });
    try {
      g.emulator.store.put({ id: 'scoped-1', state: 'Running' });
      const STOP = 'mutation { stopCampaign(id: "scoped-1") { __typename } }';
      const refused = await g.graphql(STOP, {}, bearer(await signToken(keyA, { claims: { scope: 'campaigns:stop' } })));
      expect(refused.body.data).toEqual({ stopCampaign: { __typename: 'CampaignAccessDeniedError' } });
      expect(g.emulator.callCount()).toBe(0);
      const done = await g.graphql(STOP, {}, bearer(await signToken(keyA, { claims: { scope: 'campaigns:halt' } })));
      expect(done.body.data).toEqual({ stopCampaign: { __typename: 'StopCampaignSuccess' } });
    } finally {
      await g.close();
      await idp.close();
    }
  });
});

describe('the identity provider', () => {
  it('is not asked again for every unknown kid (jose cooldown), and its outage is a 503, not a 401', async () => {
    const idp = await startJwksServer([keyA]);
    const g = await startHarness({ maxAttempts: 1, env: jwtEnv(idp) });
    try {
      expect((await g.graphql(READ, {}, bearer(await signToken(keyA)))).status).toBe(200);
      for (let i = 0; i < 5; i++) {
        const res = await g.graphql(READ, {}, bearer(await signToken(await makeKey(`made-up-${i}`, 'ES256'))));
        expect(res.status).toBe(401);
      }
      expect(idp.fetches).toBe(1);
    } finally {
      await g.close();
      await idp.close();
    }
    // A key set nobody serves: tokens cannot be judged either way.
    const down = await startHarness({ maxAttempts: 1, env: jwtEnv(idp) });
    try {
      const res = await down.graphql(READ, {}, bearer(await signToken(keyA)));
      expect(res.status).toBe(503);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('AUTHENTICATION_UNAVAILABLE');
      expect(down.emulator.callCount()).toBe(0);
    } finally {
      await down.close();
    }
  });
});

/** A token lacking one registered claim (SignJWT always sets those asked for, so build it by hand). */
function signTokenWithout(key: SigningKey, claim: 'exp' | 'sub'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ scope: 'campaigns:start' }).setProtectedHeader({ alg: key.alg, kid: key.kid }).setIssuer(ISSUER).setAudience(AUDIENCE);
  if (claim !== 'exp') jwt.setExpirationTime(now + 300);
  if (claim !== 'sub') jwt.setSubject('user-1');
  return jwt.sign(key.privateKey);
}

describe('secrets in logs', () => {
  it('writes no token, Authorization header or AWS signature on any log line, even at trace level and on failures', async () => {
    const g = await startHarness({ maxAttempts: 2, retryDelayMs: 1, env: { ...jwtEnv(jwks), LOG_LEVEL: 'trace' } });
    try {
      const good = await signToken(keyA, { claims: { scope: 'campaigns:start' } });
      const expired = await signToken(keyA, { expiresIn: -3600 });
      await g.graphql(START, { id: 'demo-spring-renewals' }, bearer(good));
      await g.graphql(START, { id: 'demo-spring-renewals' }, bearer(expired));
      await g.graphql(START, { id: 'demo-spring-renewals' }, { authorization: `Basic ${Buffer.from('user:hunter2').toString('base64')}` });
      g.emulator.faults.failNext('StartCampaign', 2, { name: 'BrandNewException', status: 400 });
      await g.graphql(START, { id: 'demo-payment-followup' }, bearer(good));
      g.emulator.faults.dropNext('StartCampaign', 2);
      await g.graphql(START, { id: 'demo-appointment-reminders' }, bearer(good));
      const written = JSON.stringify(g.logs);
      expect(g.logs.some((l) => l.msg === 'unexpected failure')).toBe(true);
      for (const secret of [good, expired, good.split('.')[2], expired.split('.')[2], 'Bearer ', 'Basic ', 'hunter2', 'AKIDEMULATOR', 'AWS4-HMAC-SHA256', 'Signature=']) {
        expect(written).not.toContain(secret);
      }
    } finally {
      await g.close();
    }
  });
});
