// The constraint of newer AWS models (CampaignId: length 1..256, ^[-:/a-zA-Z0-9]+$). The SDK does
// not check it, so the gateway does, before any AWS call.
const CAMPAIGN_ID_PATTERN = /^[-:/a-zA-Z0-9]+$/;
export const CAMPAIGN_ID_MAX_LENGTH = 256;

/** Returns why `id` is not a valid campaign id, or null when it is. */
export function campaignIdProblem(id: string): string | null {
  if (id.length === 0) return 'Campaign id must not be empty.';
  if (id.length > CAMPAIGN_ID_MAX_LENGTH) {
    return `Campaign id must be at most ${CAMPAIGN_ID_MAX_LENGTH} characters long (got ${id.length}).`;
  }
  if (!CAMPAIGN_ID_PATTERN.test(id)) {
    return 'Campaign id may contain only letters, digits, "-", ":" and "/".';
  }
  return null;
}
