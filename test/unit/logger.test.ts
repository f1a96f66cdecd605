import { Writable } from 'node:stream';
import { EVENT_REDACTED_PATHS, createLogger, eventLogger } from '../../src/observability/logger';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('trace', sink), lines };
}

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN';

describe('log redaction', () => {
  it.each([
    ['an Authorization header of a request', { req: { headers: { authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}` } } }],
    ['a bare Authorization value', { authorization: `Bearer ${TOKEN}` }],
    ['headers logged on their own', { headers: { authorization: `Bearer ${TOKEN}` } }],
    ['a token', { token: TOKEN }],
    ['a token inside an object', { auth: { token: TOKEN } }],
    ['AWS credentials', { credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET, sessionToken: SESSION } }],
    ['AWS credentials inside a client config', { config: { credentials: { secretAccessKey: SECRET, sessionToken: SESSION } } }],
    ['loose AWS secrets', { aws: { secretAccessKey: SECRET, sessionToken: SESSION } }],
    ['a signed AWS request', { request: { headers: { authorization: `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/x, Signature=${SECRET}`, 'x-amz-security-token': SESSION } } }],
  ])('never writes %s', (_case, fields) => {
    const { logger, lines } = capture();
    logger.info(fields, 'something happened');
    logger.child({ requestId: 'r1' }).warn(fields, 'again, from a child');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(SESSION);
      expect(line).toContain('[redacted]');
    }
  });
});

describe('the event logger (fixed-shape lines: graphql.request, campaign.start)', () => {
  it('writes to the same destination with the same bindings, and still redacts secret keys at the top of a line', () => {
    const { logger, lines } = capture();
    const events = eventLogger(logger).child({ requestId: 'r1' });
    events.info({ event: 'campaign.start', campaignId: 'c1', ...Object.fromEntries(EVENT_REDACTED_PATHS.map((key) => [key, TOKEN])) }, 'x');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(line).toMatchObject({ service: 'campaign-gateway', requestId: 'r1', event: 'campaign.start', campaignId: 'c1' });
    for (const key of EVENT_REDACTED_PATHS) expect(line[key]).toBe('[redacted]');
    expect(lines[0]).not.toContain(TOKEN);
  });

  it('leaves the logger it came from fully redacted', () => {
    const { logger, lines } = capture();
    eventLogger(logger);
    logger.child({ requestId: 'r1' }).error({ auth: { token: TOKEN } }, 'x');
    expect(lines[0]).not.toContain(TOKEN);
  });
});
