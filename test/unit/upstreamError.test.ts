import fc from 'fast-check';
import { errors } from 'undici';
import { classifyAttempt } from '../../src/aws/attemptClassifier';
import { AwsCallFailure } from '../../src/aws/callFailure';
import { toNodeShape } from '../../src/aws/undiciHttpHandler';
import { toUpstreamError } from '../../src/campaigns/upstreamError';

const err = (props: Record<string, unknown>, message = 'boom') => Object.assign(new Error(message), props);
/** What the SDK's deserializer adds to an error thrown while reading an answer's body. */
const afterStatus = (e: Error, status = 200) =>
  Object.defineProperty(Object.assign(e, { $metadata: { httpStatusCode: status } }), '$response', { value: { statusCode: status } });

describe('classifyAttempt: what one HTTP attempt did on the wire', () => {
  it.each([
    ['a success', undefined, {}, 'answered'],
    ['an AWS service error', err({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 429 } }), {}, 'answered'],
    ['a complete body that could not be parsed', afterStatus(err({ name: 'SyntaxError' }, 'Unexpected token < in JSON')), {}, 'answered'],
    // The five ways an attempt can get no answer, each by the shape the SDK and the AWS HTTP handler produce:
    ['a refused connection', err({ code: 'ECONNREFUSED' }, 'connect ECONNREFUSED 127.0.0.1:1'), {}, 'not-sent'],
    ['the connect timeout', toNodeShape(new errors.ConnectTimeoutError(), 1000), {}, 'not-sent'],
    ['a reset after sending (before any status line)', err({ name: 'TimeoutError', code: 'ECONNRESET' }, 'socket hang up'), {}, 'no-answer'],
    ['a status line, then the connection closed before the body was complete', afterStatus(err({ code: 'ECONNRESET' }, 'aborted')), {}, 'no-answer'],
    ['a status line, then the attempt timed out mid-body', afterStatus(err({ name: 'TimeoutError', code: 'ETIMEDOUT' })), { cut: true }, 'no-answer'],
    ['a status line, then the deadline cut the body', afterStatus(err({ name: 'AbortError' }, 'Request aborted')), { cut: true }, 'no-answer'],
    // More shapes seen in practice:
    ['an unresolvable name', err({ code: 'ENOTFOUND' }), {}, 'not-sent'],
    ['an open circuit', err({ isBrokenCircuitError: true }), {}, 'not-sent'],
    ['the request timeout before headers', err({ name: 'TimeoutError', code: 'ETIMEDOUT' }), {}, 'no-answer'],
    ['a broken pipe', err({ name: 'TimeoutError', code: 'EPIPE' }), {}, 'no-answer'],
    ['the deadline aborting a request in flight', err({ name: 'AbortError' }, 'Request aborted'), { cut: true }, 'no-answer'],
    // What the SDK's retry loop makes of a socket error from another realm (as under Jest): no name, no code.
    ['a wrapped socket hang up', new Error('AWS SDK error wrapper for TimeoutError: socket hang up'), {}, 'no-answer'],
    ['a wrapped refused connection', new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1'), {}, 'not-sent'],
    ['something never seen before', err({ name: 'WeirdError' }), {}, 'no-answer'],
    ['a non-error', 'string thrown', {}, 'no-answer'],
  ])('%s', (_case, error, wire, expected) => {
    expect(classifyAttempt(error, wire)).toBe(expected);
  });
});

/** A failed call whose only attempt ended in `error`, classified as the boundary does. */
const failedOnce = (operation: string, error: unknown) => new AwsCallFailure(operation, [{ result: classifyAttempt(error), error }], error);

describe('toUpstreamError: from the attempts to the caller', () => {
  it.each([
    ['a wrapped socket hang up', new Error('AWS SDK error wrapper for TimeoutError: socket hang up'), 'OUTCOME_UNKNOWN', 'UPSTREAM_UNAVAILABLE'],
    ['a request timeout', err({ name: 'TimeoutError', code: 'ETIMEDOUT' }), 'OUTCOME_UNKNOWN', 'UPSTREAM_UNAVAILABLE'],
    ['a body cut after a 200', afterStatus(err({ code: 'ECONNRESET' }, 'aborted')), 'OUTCOME_UNKNOWN', 'UPSTREAM_UNAVAILABLE'],
    ['a refused connection', err({ code: 'ECONNREFUSED' }), 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE'],
    ['an open circuit', err({ isBrokenCircuitError: true }), 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE'],
    ['an unmodelled AWS exception', err({ name: 'BrandNewException', $metadata: { httpStatusCode: 400 } }), 'UPSTREAM_ERROR', 'UPSTREAM_ERROR'],
    ['an unreadable 200', afterStatus(err({ name: 'SerializationError' })), 'OUTCOME_UNKNOWN', 'UPSTREAM_ERROR'],
  ])('%s: classified for a start and for a read', (_case, error, forStart, forRead) => {
    expect(toUpstreamError(failedOnce('StartCampaign', error)).code).toBe(forStart);
    expect(toUpstreamError(failedOnce('GetCampaignStateBatch', error)).code).toBe(forRead);
  });

  it.each(['StartCampaign', 'PauseCampaign', 'ResumeCampaign', 'StopCampaign'])('treats %s as mutating: a lost answer is OUTCOME_UNKNOWN', (operation) => {
    expect(toUpstreamError(failedOnce(operation, err({ code: 'ECONNRESET' }))).code).toBe('OUTCOME_UNKNOWN');
  });

  it('says OUTCOME_UNKNOWN when an earlier attempt got no answer, whatever the last one said', () => {
    const throttled = err({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    const failure = new AwsCallFailure('StartCampaign', [{ result: 'no-answer' }, { result: 'answered', error: throttled }], throttled);
    expect(toUpstreamError(failure).code).toBe('OUTCOME_UNKNOWN');
  });

  it('never calls a start failed unless AWS answered with an error or the request was never sent', () => {
    const notSent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
    const shape = fc.record(
      {
        name: fc.oneof(fc.constantFrom('TimeoutError', 'AbortError', 'Error', 'TypeError'), fc.string()),
        code: fc.oneof(fc.constantFrom('ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND'), fc.string()),
        message: fc.string(),
        $metadata: fc.record({ httpStatusCode: fc.integer({ min: 100, max: 599 }) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shape, (error) => {
        const code = toUpstreamError(failedOnce('StartCampaign', error)).code;
        const status = error.$metadata?.httpStatusCode;
        const answeredError = status !== undefined && (status < 200 || status >= 300);
        const neverSent = status === undefined && error.code !== undefined && notSent.has(error.code);
        if (!answeredError && !neverSent) expect(code).toBe('OUTCOME_UNKNOWN');
      }),
    );
  });
});
