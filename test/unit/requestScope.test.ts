import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import { createLogger } from '../../src/observability/logger';
import { requestScopedLogger, runInRequestScope } from '../../src/observability/requestScope';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

describe('requestScopedLogger (the logger Apollo Server is given)', () => {
  it("writes Apollo's own lines about a request with that request's id", async () => {
    const { lines, logger } = capture();
    const apollo = new ApolloServer({
      typeDefs: 'type Query { ok: Boolean }',
      logger: requestScopedLogger(logger, { component: 'apollo' }),
      plugins: [
        {
          async requestDidStart() {
            throw new Error('a broken plugin');
          },
        },
      ],
    });
    await apollo.start();
    const scope = { requestId: 'req-7', logger: logger.child({ requestId: 'req-7' }) };
    await expect(runInRequestScope(scope, () => apollo.executeOperation({ query: '{ ok }' }))).rejects.toThrow();
    await apollo.stop();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        component: 'apollo',
        requestId: 'req-7',
        msg: expect.stringContaining('Unexpected error processing request'),
      }),
    );
  });

  it('writes without a request id outside any request', () => {
    const { lines, logger } = capture();
    requestScopedLogger(logger, { component: 'apollo' }).warn('server-wide');
    expect(lines).toEqual([expect.objectContaining({ component: 'apollo', msg: 'server-wide' })]);
    expect(lines[0]).not.toHaveProperty('requestId');
  });
});
