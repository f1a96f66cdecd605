import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger';

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
