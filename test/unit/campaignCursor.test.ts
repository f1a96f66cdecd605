import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { CampaignCursors } from '../../src/campaigns/campaignCursor';
import { LIST_PAGE_SIZE } from '../../src/campaigns/campaignService';

const cursors = new CampaignCursors(randomBytes(32));

/** A payload as the gateway would write it, with no tag or with a tag made without the key. */
const payloadOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('campaign list cursors', () => {
  it('round-trip any position and filter', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ minLength: 1, maxLength: 1000 })),
        fc.integer({ min: 0, max: LIST_PAGE_SIZE }),
        fc.option(fc.string({ maxLength: 256 })),
        (token, offset, instance) => {
          const cursor = cursors.encode({ token, offset }, instance);
          expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
          expect(cursors.decode(cursor)).toEqual({ position: { token, offset }, connectInstanceId: instance });
        },
      ),
    );
  });

  it('refuses a well-formed cursor it did not issue: unsigned, signed with another key, or altered', () => {
    const genuine = cursors.encode({ token: 'aws-token', offset: 3 }, null);
    const [payload, tag] = genuine.split('.') as [string, string];
    const forgedPayload = payloadOf({ v: 1, t: 'someone-elses-token', o: 0, i: null });
    expect(cursors.decode(forgedPayload)).toBeNull();
    expect(cursors.decode(`${forgedPayload}.${tag}`)).toBeNull();
    expect(cursors.decode(new CampaignCursors(randomBytes(32)).encode({ token: 'aws-token', offset: 3 }, null))).toBeNull();
    expect(cursors.decode(`${payload}.${Buffer.from(tag, 'base64url').fill(0, 0, 1).toString('base64url')}`)).toBeNull();
    expect(cursors.decode(`${payload}.${tag.slice(0, -2)}`)).toBeNull();
    expect(cursors.decode(genuine)).not.toBeNull();
  });

  it('accepts the cursors of a restart only with the same key (CURSOR_SECRET)', () => {
    const key = Buffer.from('a'.repeat(32));
    const cursor = new CampaignCursors(key).encode({ token: null, offset: 5 }, null);
    expect(new CampaignCursors(Buffer.from('a'.repeat(32))).decode(cursor)).toEqual({ position: { token: null, offset: 5 }, connectInstanceId: null });
    expect(new CampaignCursors(Buffer.from('b'.repeat(32))).decode(cursor)).toBeNull();
  });

  /** Payloads the gateway never writes, signed with its key: the checks behind the tag still hold. */
  const signed = (value: unknown) => {
    const payload = payloadOf(value);
    const tag = (cursors as unknown as { tag(p: string): Buffer }).tag(payload).toString('base64url');
    return `${payload}.${tag}`;
  };

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/=.abc'],
    ['no tag', payloadOf({ v: 1, t: null, o: 0, i: null })],
    ['not JSON', signed('nope').replace(/^[^.]+/, Buffer.from('nope').toString('base64url'))],
    ['another version', signed({ v: 2, t: null, o: 0, i: null })],
    ['a negative offset', signed({ v: 1, t: null, o: -1, i: null })],
    ['a fractional offset', signed({ v: 1, t: null, o: 1.5, i: null })],
    ['an offset past an AWS page', signed({ v: 1, t: null, o: LIST_PAGE_SIZE + 1, i: null })],
    ['an offset of 1000', signed({ v: 1, t: null, o: 1000, i: null })],
    ['an empty token', signed({ v: 1, t: '', o: 0, i: null })],
    ['a numeric token', signed({ v: 1, t: 5, o: 0, i: null })],
    ['a missing filter', signed({ v: 1, t: null, o: 0 })],
    ['JSON null', signed(null)],
    ['too long', `${'A'.repeat(3000)}.AAAA`],
  ])('refuses %s', (_why, cursor) => {
    expect(cursors.decode(cursor)).toBeNull();
  });
});
