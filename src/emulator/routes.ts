import { CAMPAIGN_ACTIONS, actionByOperation } from '../campaigns/campaignActions';
import { campaignIdProblem, type MemoryCampaignStore } from './store';
import type { AnsweredCampaignStateWire, EmulatorCampaign, OperationName } from './types';
import { ServiceError, validationError } from './wire';

/** A request matched to an operation (the @http traits of the model). */
export interface Route {
  operation: OperationName;
  /** The {id} label, still percent-encoded. */
  rawId?: string;
}

const CAMPAIGNS_PREFIX = '/v2/campaigns/';
const ACTIONS: Readonly<Record<string, { method: string; operation: OperationName }>> = {
  start: { method: 'POST', operation: 'StartCampaign' },
  stop: { method: 'POST', operation: 'StopCampaign' },
  pause: { method: 'POST', operation: 'PauseCampaign' },
  resume: { method: 'POST', operation: 'ResumeCampaign' },
  state: { method: 'GET', operation: 'GetCampaignState' },
};

/** Matches method + path (no query string). Labels never contain a raw '/': the SDK encodes it as %2F. */
export function resolveRoute(method: string | undefined, path: string): Route | undefined {
  if (path === '/v2/campaigns-state') return method === 'POST' ? { operation: 'GetCampaignStateBatch' } : undefined;
  if (path === '/v2/campaigns-summary') return method === 'POST' ? { operation: 'ListCampaigns' } : undefined;
  if (!path.startsWith(CAMPAIGNS_PREFIX)) return undefined;
  const rest = path.slice(CAMPAIGNS_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash === -1) return method === 'GET' ? { operation: 'DescribeCampaign', rawId: rest } : undefined;
  const action = ACTIONS[rest.slice(slash + 1)];
  if (!action || action.method !== method) return undefined;
  return { operation: action.operation, rawId: rest.slice(0, slash) };
}

/** Percent-decodes a label; undefined when the encoding is malformed. */
export function decodeLabel(raw: string): string | undefined {
  if (raw.indexOf('%') === -1) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false };

/** An empty body counts as `{}`: the SDK sends none for operations without body members. */
export function parseBody(body: Buffer): ParsedBody {
  if (body.length === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The campaign ids a call names, for the call log (best effort: before validation). */
export function campaignIdsOf(route: Route, body: ParsedBody): string[] {
  if (route.rawId !== undefined) return [decodeLabel(route.rawId) ?? route.rawId];
  if (route.operation === 'GetCampaignStateBatch' && body.ok && isObject(body.value)) {
    const ids = body.value['campaignIds'];
    if (Array.isArray(ids)) return ids.filter((id): id is string => typeof id === 'string');
  }
  return [];
}

/** Only operations with body members read the body (the label operations ignore it, as AWS does). */
function jsonInput(body: ParsedBody): unknown {
  if (!body.ok) throw validationError('Could not parse request body into json: malformed JSON');
  return body.value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The outcome of an operation: a JSON document, or undefined for an empty 200. */
export type OperationResult = string | undefined;

export class Operations {
  constructor(private readonly store: MemoryCampaignStore) {}

  /** Current state of the campaign a route names, for InvalidCampaignStateException faults. */
  stateOf(route: Route): AnsweredCampaignStateWire | undefined {
    if (route.rawId === undefined) return undefined;
    const id = decodeLabel(route.rawId);
    return id === undefined ? undefined : this.store.peek(id)?.state;
  }

  /** Runs one operation; throws ServiceError for every error answer. */
  execute(route: Route, body: ParsedBody): OperationResult {
    switch (route.operation) {
      case 'StartCampaign':
      case 'StopCampaign':
      case 'PauseCampaign':
      case 'ResumeCampaign':
        return this.transition(route.operation, this.campaignFor(route));
      case 'GetCampaignState':
        return JSON.stringify({ state: this.campaignFor(route).state });
      case 'DescribeCampaign':
        return JSON.stringify({ campaign: campaignWire(this.campaignFor(route)) });
      case 'GetCampaignStateBatch':
        return this.stateBatch(jsonInput(body));
      case 'ListCampaigns':
        return this.list(jsonInput(body));
    }
  }

  private campaignFor(route: Route): EmulatorCampaign {
    const id = decodeLabel(route.rawId ?? '');
    if (id === undefined) throw validationError(`Invalid percent-encoding in campaign id '${route.rawId ?? ''}'`);
    const problem = campaignIdProblem(id, 'id');
    if (problem !== undefined) throw validationError(problem);
    const campaign = this.store.peek(id);
    if (!campaign) throw new ServiceError('ResourceNotFoundException', `Campaign not found: ${id}`);
    return campaign;
  }

  private transition(operation: OperationName, campaign: EmulatorCampaign): OperationResult {
    // AWS's state machine, from the gateway's table of actions (Campaign.availableActions reads it too).
    const action = actionByOperation(operation);
    if (action === undefined) throw new ServiceError('InternalServerException', `No transition for ${operation}`);
    const rule = CAMPAIGN_ACTIONS[action];
    if (!(rule.from as readonly AnsweredCampaignStateWire[]).includes(campaign.state)) {
      throw new ServiceError(
        'InvalidCampaignStateException',
        `Campaign ${campaign.id} is in state ${campaign.state} and cannot be ${rule.verb}`,
        { state: campaign.state },
      );
    }
    this.store.setState(campaign.id, rule.to);
    return undefined;
  }

  private stateBatch(input: unknown): OperationResult {
    if (!isObject(input)) throw validationError('Request body must be a JSON object');
    const ids = input['campaignIds'];
    if (ids === undefined || ids === null) {
      throw validationError("1 validation error detected: Value null at 'campaignIds' failed to satisfy constraint: Member must not be null");
    }
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
      throw validationError("Value at 'campaignIds' must be a list of strings");
    }
    if (ids.length < 1 || ids.length > 25) {
      throw validationError(
        `1 validation error detected: Value at 'campaignIds' failed to satisfy constraint: Member must have length between 1 and 25`,
      );
    }
    const successfulRequests: { campaignId: string; state: AnsweredCampaignStateWire }[] = [];
    const failedRequests: { campaignId: string; failureCode: 'ResourceNotFound' }[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const problem = campaignIdProblem(id, `campaignIds.${i + 1}.member`);
      if (problem !== undefined) throw validationError(problem);
      const campaign = this.store.peek(id);
      if (campaign) successfulRequests.push({ campaignId: id, state: campaign.state });
      else failedRequests.push({ campaignId: id, failureCode: 'ResourceNotFound' });
    }
    return JSON.stringify({ successfulRequests, failedRequests });
  }

  private list(input: unknown): OperationResult {
    if (!isObject(input)) throw validationError('Request body must be a JSON object');
    const maxResults = readMaxResults(input['maxResults']);
    const after = readNextToken(input['nextToken']);
    const instanceId = readInstanceFilter(input['filters']);

    const sorted = this.store.sorted();
    let i = after === undefined ? 0 : firstIndexAfter(sorted, after);
    const page: EmulatorCampaign[] = [];
    let more = false;
    for (; i < sorted.length; i++) {
      const campaign = sorted[i] as EmulatorCampaign;
      if (instanceId !== undefined && campaign.connectInstanceId !== instanceId) continue;
      if (page.length === maxResults) {
        more = true;
        break;
      }
      page.push(campaign);
    }
    const last = page[page.length - 1];
    return JSON.stringify({
      campaignSummaryList: page.map(summaryWire),
      nextToken: more && last ? encodeNextToken(last.id) : undefined,
    });
  }
}

/** The model gives ListCampaigns no default page size; the emulator uses the maximum, 50. */
export const LIST_DEFAULT_PAGE_SIZE = 50;
const LIST_MAX_PAGE_SIZE = 50;

function readMaxResults(value: unknown): number {
  if (value === undefined || value === null) return LIST_DEFAULT_PAGE_SIZE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > LIST_MAX_PAGE_SIZE) {
    throw validationError(
      `1 validation error detected: Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${LIST_MAX_PAGE_SIZE}`,
    );
  }
  return value;
}

/**
 * nextToken is opaque to clients; inside it is the id of the last campaign returned, so paging stays
 * correct when campaigns are added or removed between pages.
 */
function encodeNextToken(lastId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastId }), 'utf8').toString('base64url');
}

function readNextToken(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 1000) throw validationError('Invalid nextToken');
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (isObject(decoded) && decoded['v'] === 1 && typeof decoded['after'] === 'string') return decoded['after'];
  } catch {
    // fall through to the ValidationException below
  }
  throw validationError('Invalid nextToken');
}

function readInstanceFilter(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw validationError("Value at 'filters' must be an object");
  const filter = value['instanceIdFilter'];
  if (filter === undefined || filter === null) return undefined;
  if (!isObject(filter) || typeof filter['value'] !== 'string') {
    throw validationError("1 validation error detected: Value null at 'filters.instanceIdFilter.value' failed to satisfy constraint: Member must not be null");
  }
  if (filter['operator'] !== 'Eq') {
    throw validationError(
      `1 validation error detected: Value '${String(filter['operator'])}' at 'filters.instanceIdFilter.operator' failed to satisfy constraint: Member must satisfy enum value set: [Eq]`,
    );
  }
  return filter['value'];
}

/** Binary search: first index whose id sorts after `after`. */
function firstIndexAfter(sorted: readonly EmulatorCampaign[], after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as EmulatorCampaign).id <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const SUBTYPE_NAMES: Readonly<Record<string, string>> = {
  telephony: 'TELEPHONY',
  sms: 'SMS',
  email: 'EMAIL',
  whatsApp: 'WHATSAPP',
};

/** The Campaign shape (the emulator-only `state` stays out). */
export function campaignWire(c: EmulatorCampaign): Record<string, unknown> {
  return {
    id: c.id,
    arn: c.arn,
    name: c.name,
    connectInstanceId: c.connectInstanceId,
    type: c.type,
    channelSubtypeConfig: c.channelSubtypeConfig ?? {},
    source: c.source,
    connectCampaignFlowArn: c.connectCampaignFlowArn,
    schedule: c.schedule,
    communicationTimeConfig: c.communicationTimeConfig,
    communicationLimitsOverride: c.communicationLimitsOverride,
    tags: c.tags,
  };
}

/** The CampaignSummary shape; channelSubtypes follows the configured channels. */
export function summaryWire(c: EmulatorCampaign): Record<string, unknown> {
  const config = c.channelSubtypeConfig ?? {};
  const channelSubtypes: string[] = [];
  for (const key of Object.keys(config)) {
    const name = SUBTYPE_NAMES[key];
    if (name !== undefined && config[key as keyof typeof config] !== undefined) channelSubtypes.push(name);
  }
  return {
    id: c.id,
    arn: c.arn,
    name: c.name,
    connectInstanceId: c.connectInstanceId,
    type: c.type,
    channelSubtypes,
    schedule: c.schedule,
    connectCampaignFlowArn: c.connectCampaignFlowArn,
  };
}
