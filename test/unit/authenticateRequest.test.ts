import type { IncomingMessage } from 'node:http';
import { ANONYMOUS } from '../../src/auth/authenticator';
import { AuthenticationError } from '../../src/auth/jwtVerifier';
import { authenticateRequest } from '../../src/http/authenticateRequest';
import type { Logger } from '../../src/observability/logger';
import type { RequestScope } from '../../src/observability/requestScope';

/** A scope whose request logger counts how often it is asked for, and keeps what it is told. */
function scope(): { scope: RequestScope; asked: () => number; lines: unknown[] } {
  let asked = 0;
  const lines: unknown[] = [];
  const logger = { warn: (fields: unknown) => void lines.push(fields), error: (fields: unknown) => void lines.push(fields) } as unknown as Logger;
  const s = {
    get logger() {
      asked++;
      return logger;
    },
  } as unknown as RequestScope;
  return { scope: s, asked: () => asked, lines };
}

const request = (authorization?: string) => ({ headers: { authorization } }) as IncomingMessage;

describe('authenticating an HTTP request', () => {
  it('does not make the request its own logger when the caller is let in', async () => {
    const s = scope();
    await expect(authenticateRequest(async () => ANONYMOUS)(request(), s.scope)).resolves.toBe(ANONYMOUS);
    expect(s.asked()).toBe(0);
  });

  it('logs a refusal through the request logger, with the reason and not the token', async () => {
    const s = scope();
    const refuse = async () => {
      throw new AuthenticationError('ERR_JWT_EXPIRED', 'token expired');
    };
    await expect(authenticateRequest(refuse)(request('Bearer secret.token.value'), s.scope)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(s.asked()).toBe(1);
    expect(s.lines).toEqual([{ event: 'auth.rejected', reason: 'ERR_JWT_EXPIRED' }]);
  });
});
