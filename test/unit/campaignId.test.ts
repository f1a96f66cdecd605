import { campaignIdProblem } from '../../src/campaigns/campaignId';

describe('campaign id validation (length 1..256, ^[-:/a-zA-Z0-9]+$)', () => {
  it.each(['a', 'demo-spring-renewals', 'arn:aws:connect-campaigns:us-east-1:123456789012:campaign/x', 'A-9:/', 'x'.repeat(256)])(
    'accepts %s',
    (id) => expect(campaignIdProblem(id)).toBeNull(),
  );

  it.each([
    ['empty', ''],
    ['257 characters', 'x'.repeat(257)],
    ['a space', 'a b'],
    ['an underscore', 'a_b'],
    ['a dot', 'a.b'],
    ['a query string', 'a?b=1'],
    ['unicode', 'camp\u00e9'],
    ['a newline', 'a\nb'],
    ['a percent escape', 'a%2Fb'],
  ])('refuses %s', (_why, id) => expect(campaignIdProblem(id)).toEqual(expect.any(String)));
});
