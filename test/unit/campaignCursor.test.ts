import fc from 'fast-check';
import { decodeCampaignCursor, encodeCampaignCursor } from '../../src/campaigns/campaignCursor';

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('campaign list cursors', () => {
  it('round-trip any position and filter', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ minLength: 1, maxLength: 1000 })),
        fc.integer({ min: 0, max: 1000 }),
        fc.option(fc.string({ maxLength: 256 })),
        (token, offset, instance) => {
          const cursor = encodeCampaignCursor({ token, offset }, instance);
          expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(decodeCampaignCursor(cursor)).toEqual({ position: { token, offset }, connectInstanceId: instance });
        },
      ),
    );
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['another version', cursorOf({ v: 2, t: null, o: 0, i: null })],
    ['a negative offset', cursorOf({ v: 1, t: null, o: -1, i: null })],
    ['a fractional offset', cursorOf({ v: 1, t: null, o: 1.5, i: null })],
    ['an empty token', cursorOf({ v: 1, t: '', o: 0, i: null })],
    ['a numeric token', cursorOf({ v: 1, t: 5, o: 0, i: null })],
    ['a missing filter', cursorOf({ v: 1, t: null, o: 0 })],
    ['JSON null', cursorOf(null)],
    ['too long', 'A'.repeat(3000)],
  ])('refuses %s', (_why, cursor) => {
    expect(decodeCampaignCursor(cursor)).toBeNull();
  });
});
