import { CAMPAIGN_STATES, type AnsweredCampaignStateWire, type CampaignStateWire, type EmulatorCampaign } from './types';

/** CampaignId as newer models constrain it (the bundled model still allows 0..256 and `*`). */
export const CAMPAIGN_ID_PATTERN = /^[-:/a-zA-Z0-9]+$/;
export const CAMPAIGN_ID_MAX_LENGTH = 256;

/** AWS-style constraint message for a bad campaign id, or undefined when the id is valid. */
export function campaignIdProblem(id: string, member: string): string | undefined {
  if (id.length < 1 || id.length > CAMPAIGN_ID_MAX_LENGTH) {
    return `1 validation error detected: Value '${id}' at '${member}' failed to satisfy constraint: Member must have length between 1 and ${CAMPAIGN_ID_MAX_LENGTH}`;
  }
  if (!CAMPAIGN_ID_PATTERN.test(id)) {
    return `1 validation error detected: Value '${id}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${CAMPAIGN_ID_PATTERN.source}`;
  }
  return undefined;
}

export function isCampaignState(value: unknown): value is CampaignStateWire {
  return typeof value === 'string' && (CAMPAIGN_STATES as readonly string[]).includes(value);
}

/** A state the emulator may answer: a documented one, or one AWS may add later (a PascalCase word). */
export function isAnsweredCampaignState(value: unknown): value is AnsweredCampaignStateWire {
  return isCampaignState(value) || (typeof value === 'string' && /^[A-Z][a-zA-Z]{1,31}$/.test(value));
}

export interface CampaignStore {
  /** Insert or merge. Missing fields of a new campaign get defaults. Returns a copy of the stored campaign. */
  put(campaign: Partial<EmulatorCampaign> & { id: string }): EmulatorCampaign;
  /** A copy of the campaign, or undefined. */
  get(id: string): EmulatorCampaign | undefined;
  delete(id: string): boolean;
  /** Copies of all campaigns, in list order (by id). */
  list(): EmulatorCampaign[];
  /** Back to the seed (or empty when seeding is off). */
  reset(): void;
  readonly size: number;
}

export interface StoreDefaults {
  accountId: string;
  region: string;
  connectInstanceId: string;
}

/**
 * In-memory store. Handlers use peek()/sorted()/setState() on live records (no copying on the hot
 * path); the public API copies so tests cannot alter the store by mutating what they got back.
 */
export class MemoryCampaignStore implements CampaignStore {
  private readonly byId = new Map<string, EmulatorCampaign>();
  private sortedCache: EmulatorCampaign[] | undefined;

  constructor(
    private readonly defaults: StoreDefaults,
    private readonly seed: () => EmulatorCampaign[],
  ) {
    this.reset();
  }

  get size(): number {
    return this.byId.size;
  }

  put(campaign: Partial<EmulatorCampaign> & { id: string }): EmulatorCampaign {
    const problem = campaignIdProblem(campaign.id, 'id');
    if (problem !== undefined) throw new TypeError(problem);
    if (campaign.state !== undefined && !isAnsweredCampaignState(campaign.state)) {
      throw new TypeError(`Unknown campaign state: ${String(campaign.state)}`);
    }
    const patch = structuredClone(campaign);
    const existing = this.byId.get(campaign.id);
    const next: EmulatorCampaign = existing ? { ...existing, ...patch } : { ...this.newCampaign(campaign.id), ...patch };
    this.byId.set(next.id, next);
    if (!existing) this.sortedCache = undefined;
    else this.replaceInCache(existing, next);
    return structuredClone(next);
  }

  get(id: string): EmulatorCampaign | undefined {
    const found = this.byId.get(id);
    return found ? structuredClone(found) : undefined;
  }

  delete(id: string): boolean {
    const deleted = this.byId.delete(id);
    if (deleted) this.sortedCache = undefined;
    return deleted;
  }

  list(): EmulatorCampaign[] {
    return structuredClone(this.sorted() as EmulatorCampaign[]);
  }

  reset(): void {
    this.byId.clear();
    for (const campaign of this.seed()) this.byId.set(campaign.id, campaign);
    this.sortedCache = undefined;
  }

  /** Live record, not a copy: for the request handlers only. */
  peek(id: string): EmulatorCampaign | undefined {
    return this.byId.get(id);
  }

  setState(id: string, state: CampaignStateWire): void {
    const found = this.byId.get(id);
    if (found) found.state = state;
  }

  /** Live records ordered by id (code-unit order); cached because ListCampaigns pages through it. */
  sorted(): readonly EmulatorCampaign[] {
    if (!this.sortedCache) {
      this.sortedCache = [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    return this.sortedCache;
  }

  private replaceInCache(previous: EmulatorCampaign, next: EmulatorCampaign): void {
    if (!this.sortedCache) return;
    const index = this.sortedCache.indexOf(previous);
    if (index === -1) this.sortedCache = undefined;
    else this.sortedCache[index] = next;
  }

  private newCampaign(id: string): EmulatorCampaign {
    const { accountId, region, connectInstanceId } = this.defaults;
    return {
      id,
      arn: `arn:aws:connect-campaigns:${region}:${accountId}:campaign/${id}`,
      name: id,
      connectInstanceId,
      state: 'Initialized',
      // channelSubtypeConfig is a required Campaign member: give new campaigns a minimal one.
      channelSubtypeConfig: {
        telephony: {
          outboundMode: { progressive: { bandwidthAllocation: 1 } },
          defaultOutboundConfig: { connectContactFlowId: '00000000-0000-4000-8000-000000000000' },
        },
      },
    };
  }
}
