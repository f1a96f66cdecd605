import fc from 'fast-check';
import { classifyAttemptError } from '../../src/aws/upstreamAttempts';
import { toUpstreamError } from '../../src/campaigns/upstreamError';

const err = (props: Record<string, unknown>, message = 'boom') => Object.assign(new Error(message), props);

describe('classifyAttemptError: did one HTTP attempt reach AWS?', () => {
  it.each([
    ['an AWS answer', err({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } }), 'answered'],
    ['a response that could not be parsed', err({ $response: { statusCode: 200 } }), 'answered'],
    ['a refused connection', err({ code: 'ECONNREFUSED' }, 'connect ECONNREFUSED 127.0.0.1:1'), 'not-sent'],
    ['an unresolvable name', err({ code: 'ENOTFOUND' }), 'not-sent'],
    [
      'the connect timeout',
      err({ name: 'TimeoutError' }, '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 1000 ms.'),
      'not-sent',
    ],
    ['the request timeout', err({ name: 'TimeoutError', code: 'ETIMEDOUT' }, 'a request has exceeded the configured 3000 ms requestTimeout.'), 'no-answer'],
    ['a reset renamed by the Node handler', err({ name: 'TimeoutError', code: 'ECONNRESET' }, 'socket hang up'), 'no-answer'],
    ['a broken pipe', err({ name: 'TimeoutError', code: 'EPIPE' }), 'no-answer'],
    ['the deadline aborting a request in flight', err({ name: 'AbortError' }, 'Request aborted'), 'no-answer'],
    // What the SDK's retry loop makes of a socket error from another realm (as under Jest): no name, no code.
    ['a wrapped socket hang up', new Error('AWS SDK error wrapper for TimeoutError: socket hang up'), 'no-answer'],
    ['a wrapped refused connection', new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1'), 'not-sent'],
    ['something never seen before', err({ name: 'WeirdError' }), 'no-answer'],
    ['a non-error', 'string thrown', 'no-answer'],
  ])('%s', (_case, error, expected) => {
    expect(classifyAttemptError(error)).toBe(expected);
  });
});

describe('toUpstreamError without attempt history (judged by the final error)', () => {
  it.each([
    ['a wrapped socket hang up', new Error('AWS SDK error wrapper for TimeoutError: socket hang up'), 'OUTCOME_UNKNOWN', 'UPSTREAM_UNAVAILABLE'],
    ['a request timeout', err({ name: 'TimeoutError', code: 'ETIMEDOUT' }), 'OUTCOME_UNKNOWN', 'UPSTREAM_UNAVAILABLE'],
    ['a refused connection', err({ code: 'ECONNREFUSED' }), 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE'],
    ['an open circuit', err({ isBrokenCircuitError: true }), 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE'],
    ['an unmodelled AWS exception', err({ name: 'BrandNewException', $metadata: { httpStatusCode: 400 } }), 'UPSTREAM_ERROR', 'UPSTREAM_ERROR'],
    ['an unreadable 200', err({ name: 'SerializationError', $metadata: { httpStatusCode: 200 } }), 'OUTCOME_UNKNOWN', 'UPSTREAM_ERROR'],
  ])('%s: classified for a start and for a read', (_case, error, forStart, forRead) => {
    expect(toUpstreamError('StartCampaign', error, true).code).toBe(forStart);
    expect(toUpstreamError('GetCampaignStateBatch', error, false).code).toBe(forRead);
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
        const code = toUpstreamError('StartCampaign', error, true).code;
        const status = error.$metadata?.httpStatusCode;
        const answeredError = status !== undefined && (status < 200 || status >= 300);
        const neverSent = !answeredError && error.code !== undefined && notSent.has(error.code);
        if (!answeredError && !neverSent) expect(code).toBe('OUTCOME_UNKNOWN');
      }),
    );
  });
});
