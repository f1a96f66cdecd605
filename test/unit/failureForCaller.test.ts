import { GraphQLError } from 'graphql';
import { AuthenticationError, KeySetUnavailableError } from '../../src/auth/jwtVerifier';
import { AwsCallBudgetExceededError, CampaignReadError, UpstreamError } from '../../src/campaigns/upstreamError';
import { audited } from '../../src/graphql/auditedAction';
import type { ContextValue } from '../../src/graphql/context';
import { authenticationFailure, formatError, isUnexpected } from '../../src/graphql/errors';
import { failureForCaller } from '../../src/graphql/failureForCaller';
import type { ActionAttempt } from '../../src/observability/actionAudit';

const awsAnswered = Object.assign(new Error('boom'), { $metadata: { requestId: 'aws-req-1', httpStatusCode: 500 } });

const FAILURES: Array<[string, unknown, { code: string; unexpected: boolean; awsRequestId: string | null }]> = [
  ['an undocumented AWS failure', new UpstreamError('StartCampaign', 'UPSTREAM_ERROR', awsAnswered), { code: 'UPSTREAM_ERROR', unexpected: true, awsRequestId: 'aws-req-1' }],
  ['a lost answer to an action', new UpstreamError('StartCampaign', 'OUTCOME_UNKNOWN', new Error('reset')), { code: 'OUTCOME_UNKNOWN', unexpected: true, awsRequestId: null }],
  ['the AWS call budget used up', new AwsCallBudgetExceededError(3, 'DescribeCampaign'), { code: 'AWS_CALL_BUDGET_EXCEEDED', unexpected: false, awsRequestId: null }],
  [
    'a documented AWS failure of a read',
    new CampaignReadError('DescribeCampaign', { kind: 'ThrottlingException', message: 'slow down', retryable: true, requestId: 'aws-req-2' }),
    { code: 'THROTTLING', unexpected: false, awsRequestId: 'aws-req-2' },
  ],
  ['a caller mistake', new GraphQLError('bad id', { extensions: { code: 'BAD_USER_INPUT' } }), { code: 'BAD_USER_INPUT', unexpected: false, awsRequestId: null }],
  ['a bug', new TypeError('x is undefined'), { code: 'INTERNAL_SERVER_ERROR', unexpected: true, awsRequestId: null }],
];

describe('failureForCaller, the one mapping of gateway-side failures', () => {
  it.each(FAILURES)('%s: the answer, the unexpected-error log and the audit agree', async (_what, error, expected) => {
    expect(failureForCaller(error)).toMatchObject(expected);
    expect(isUnexpected(error)).toBe(expected.unexpected);
    // As Apollo hands it over: a GraphQLError already formatted, anything else as a bare message.
    const formatted = formatError(error instanceof GraphQLError ? error.toJSON() : { message: String(error), path: ['startCampaign'] }, error);
    expect(formatted.extensions?.code).toBe(expected.code);
    if (expected.code === 'INTERNAL_SERVER_ERROR') expect(formatted.message).toBe('Internal server error');

    const attempts: ActionAttempt[] = [];
    const ctx = { principal: { subject: 'tester', scopes: 'all' }, recordAction: (_action: string, attempt: ActionAttempt) => attempts.push(attempt) } as unknown as ContextValue;
    await expect(audited(ctx, 'start', 'demo-spring-renewals', () => Promise.reject(error))).rejects.toBe(error);
    expect(attempts).toEqual([expect.objectContaining({ outcome: 'error', errorCode: expected.code, awsRequestId: expected.awsRequestId })]);
  });

  it.each<[string, unknown, number, string]>([
    ['a missing token', new AuthenticationError('missing', 'A bearer token is required.'), 401, 'UNAUTHENTICATED'],
    ['a key set that cannot be fetched', new KeySetUnavailableError(new Error('down')), 503, 'AUTHENTICATION_UNAVAILABLE'],
    ['a verifier that failed', new Error('bug'), 500, 'INTERNAL_SERVER_ERROR'],
  ])('refuses a request for %s with its HTTP status', (_what, error, status, code) => {
    const refusal = authenticationFailure(error);
    expect(refusal.extensions).toMatchObject({ code, http: { status } });
  });
});
