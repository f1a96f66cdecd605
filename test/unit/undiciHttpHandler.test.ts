import { isTransientError } from '@smithy/core/retry';
import { errors } from 'undici';
import { classifyAttempt } from '../../src/aws/attemptClassifier';
import { toNodeShape } from '../../src/aws/undiciHttpHandler';

/** undici's network failures, as the SDK's retry and the boundary's classifier see them. */
describe('undici failures in the shapes the SDK and the classifier know', () => {
  it('a connection that never came up: not sent, and retried as a timeout', () => {
    const err = toNodeShape(new errors.ConnectTimeoutError(), 1000) as Error & { code?: string };
    expect(err).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', message: 'no connection to AWS within 1000 ms' });
    expect(classifyAttempt(err)).toBe('not-sent');
    expect(isTransientError(err as never)).toBe(true);
  });

  it('a connection closed once the request may have left: ECONNRESET, no answer, retried', () => {
    const err = toNodeShape(new errors.SocketError('other side closed'), 1000) as Error & { code?: string };
    expect(err).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up (other side closed)' });
    expect(classifyAttempt(err)).toBe('no-answer');
    expect(isTransientError(err as never)).toBe(true);
    // What undici throws untouched would be neither retried nor known.
    expect(isTransientError(new errors.SocketError('other side closed') as never)).toBe(false);
  });

  it('leaves every other error as it is', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toNodeShape(refused, 1000)).toBe(refused);
  });
});
