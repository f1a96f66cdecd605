import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { EVENT_REDACTED_PATHS, createLogger, eventLogger, isoTimeField } from '../../src/observability/logger';
import { LOG_ARRAY_MAX_ITEMS, LOG_FIELD_MAX_CHARS } from '../../src/observability/logFields';

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

describe('bounded log fields', () => {
  const HUGE = 'x'.repeat(900 * 1024);

  it('cuts every long caller-supplied string, at any depth, with a marker, the length and a hash', () => {
    const { logger, lines } = capture();
    logger.info({ operationName: HUGE, nested: { campaignId: HUGE, list: [HUGE] }, short: 'kept' }, 'fields');
    const line = lines[0] as string;
    expect(line.length).toBeLessThan(4096);
    const parsed = JSON.parse(line) as { operationName: string; nested: { campaignId: string; list: string[] }; short: string };
    expect(parsed.short).toBe('kept');
    for (const value of [parsed.operationName, parsed.nested.campaignId, parsed.nested.list[0]]) {
      expect(value).toMatch(new RegExp(`^x{${LOG_FIELD_MAX_CHARS}}…\\[cut: ${HUGE.length} chars, sha256 [0-9a-f]{16}\\]$`));
    }
  });

  it('keeps values up to the limit exactly as they are', () => {
    const { logger, lines } = capture();
    const value = 'y'.repeat(LOG_FIELD_MAX_CHARS);
    logger.info({ value }, 'at the limit');
    expect((JSON.parse(lines[0] as string) as { value: string }).value).toBe(value);
  });

  it('cuts error messages and stacks, the message of a line, child bindings and long arrays', () => {
    const { logger, lines } = capture();
    const child = logger.child({ userAgent: HUGE });
    child.error({ err: new Error(`bad id ${HUGE}`), ids: Array.from({ length: 1000 }, (_, i) => `id-${i}`) }, `message ${HUGE}`);
    eventLogger(logger).info({ event: 'campaign.start', campaignId: HUGE }, 'campaign start attempt');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.length).toBeLessThan(16 * 1024);
    const parsed = JSON.parse(lines[0] as string) as { err: { message: string; stack: string }; ids: string[]; msg: string; userAgent: string };
    expect(parsed.err.message).toContain('…[cut: ');
    expect(parsed.err.stack).toContain('…[cut: ');
    expect(parsed.msg).toContain('…[cut: ');
    expect(parsed.userAgent).toContain('…[cut: ');
    expect(parsed.ids).toHaveLength(LOG_ARRAY_MAX_ITEMS + 1);
    expect(parsed.ids.at(-1)).toBe('…[cut: 1000 items]');
    expect((JSON.parse(lines[1] as string) as { campaignId: string }).campaignId).toContain('…[cut: ');
  });
});

describe('the time of a line', () => {
  const pinoIso = (ms: number) => `,"time":"${new Date(ms).toISOString()}"`;

  it("is pino's isoTime to the millisecond, whatever order the times come in", () => {
    expect(pino.stdTimeFunctions.isoTime()).toMatch(/^,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$/);
    const edges = [0, 9, 10, 99, 100, 999, 1000, 1_764_000_000_000, 1_764_000_000_005, 1_764_000_000_999, 1_764_000_001_000];
    for (const ms of [...edges, ...edges.reverse()]) expect(isoTimeField(ms)).toBe(pinoIso(ms));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4_102_444_800_000 }), { minLength: 1, maxLength: 20 }), (times) => {
        for (const ms of times) expect(isoTimeField(ms)).toBe(pinoIso(ms));
        // Within one second, as lines mostly come.
        for (const ms of times) expect(isoTimeField(ms - (ms % 1000) + 7)).toBe(pinoIso(ms - (ms % 1000) + 7));
      }),
    );
  });

  it('is on every line', () => {
    const { logger, lines } = capture();
    const before = Date.now();
    logger.info('hello');
    const time = Date.parse((JSON.parse(lines[0] as string) as { time: string }).time);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });
});
