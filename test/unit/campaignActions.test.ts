import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isEnumType, isObjectType, isUnionType, type GraphQLSchema } from 'graphql';
import { CAMPAIGN_ACTIONS, CAMPAIGN_ACTION_NAMES, availableActions } from '../../src/campaigns/campaignActions';
import { CAMPAIGN_EXCEPTIONS, CAMPAIGN_EXCEPTION_NAMES, isRetryable } from '../../src/aws/exceptions';
import { CAMPAIGN_ERROR_TYPES } from '../../src/graphql/campaignErrorTypes';
import { MODELLED_ERROR_STATUS } from '../../src/emulator/wire';
import { MUTATING_OPERATIONS } from '../../src/aws/operations';
import { buildSchema } from '../../src/graphql/schema';

const schema: GraphQLSchema = buildSchema();

describe('the one list of exceptions', () => {
  it('is the table docs/api.md documents, row for row', () => {
    const doc = readFileSync(join(__dirname, '../../docs/api.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| (\w+Exception) \((\d{3})\) \| `(\w+)` \| `(\w+)` \| (true|false) \|/gm)].map((m) => ({
      name: m[1],
      status: Number(m[2]),
      payloadType: m[3],
      code: m[4],
      retryable: m[5] === 'true',
    }));
    expect(rows).toEqual(
      CAMPAIGN_EXCEPTION_NAMES.map((name) => ({
        name,
        status: CAMPAIGN_EXCEPTIONS[name].status,
        payloadType: CAMPAIGN_ERROR_TYPES[name].payloadType,
        code: CAMPAIGN_ERROR_TYPES[name].code,
        retryable: isRetryable(name),
      })),
    );
  });

  it('reads retryability from the SDK: the AWS model marks Throttling and InternalServer @retryable', () => {
    expect(CAMPAIGN_EXCEPTION_NAMES.filter(isRetryable)).toEqual(['InternalServerException', 'ThrottlingException']);
  });

  it('agrees with the emulator on each exception’s HTTP status', () => {
    for (const name of CAMPAIGN_EXCEPTION_NAMES) expect([name, MODELLED_ERROR_STATUS[name]]).toEqual([name, CAMPAIGN_EXCEPTIONS[name].status]);
  });

  it('names a schema type implementing CampaignError for each, and the CampaignErrorCode enum holds exactly their codes', () => {
    for (const name of CAMPAIGN_EXCEPTION_NAMES) {
      const type = schema.getType(CAMPAIGN_ERROR_TYPES[name].payloadType);
      expect(isObjectType(type) && type.getInterfaces().map((i) => i.name)).toEqual(['CampaignError']);
    }
    const codes = schema.getType('CampaignErrorCode');
    expect(isEnumType(codes) && codes.getValues().map((v) => v.name).sort()).toEqual(CAMPAIGN_EXCEPTION_NAMES.map((n) => CAMPAIGN_ERROR_TYPES[n].code).sort());
  });
});

describe('the table of actions and the schema', () => {
  it('has one row per Mutation field', () => {
    const mutation = schema.getMutationType();
    expect(Object.keys(mutation?.getFields() ?? {}).sort()).toEqual(CAMPAIGN_ACTION_NAMES.map((a) => CAMPAIGN_ACTIONS[a].field).sort());
  });

  it.each(CAMPAIGN_ACTION_NAMES)('%s: a nullable field whose union is its success type and the seven error types', (action) => {
    const spec = CAMPAIGN_ACTIONS[action];
    const field = schema.getMutationType()?.getFields()[spec.field];
    expect(field?.type.toString()).toBe(spec.resultType);
    const union = schema.getType(spec.resultType);
    expect(isUnionType(union) && union.getTypes().map((t) => t.name).sort()).toEqual(
      [spec.successType, ...CAMPAIGN_EXCEPTION_NAMES.map((n) => CAMPAIGN_ERROR_TYPES[n].payloadType)].sort(),
    );
  });

  it('is what the AWS boundary treats as state-changing (a lost answer is OUTCOME_UNKNOWN), row for row', () => {
    // The boundary sits below the campaigns layer and keeps its own list; this holds the two together.
    expect([...MUTATING_OPERATIONS].sort()).toEqual(CAMPAIGN_ACTION_NAMES.map((name) => CAMPAIGN_ACTIONS[name].operation).sort());
  });

  it('has one CampaignAction value per row', () => {
    const actions = schema.getType('CampaignAction');
    expect(isEnumType(actions) && actions.getValues().map((v) => v.name)).toEqual(CAMPAIGN_ACTION_NAMES.map((a) => CAMPAIGN_ACTIONS[a].enumValue));
  });

  it('gives the state machine the API documents (docs/api.md)', () => {
    expect(Object.fromEntries(['Initialized', 'Running', 'Paused', 'Stopped', 'Failed', 'Completed'].map((s) => [s, availableActions(s as never)]))).toEqual({
      Initialized: ['start'],
      Running: ['pause', 'stop'],
      Paused: ['resume', 'stop'],
      Stopped: [],
      Failed: [],
      Completed: [],
    });
  });

  it('dials on start and resume only, and asks the start scope for exactly those', () => {
    expect(CAMPAIGN_ACTION_NAMES.filter((a) => CAMPAIGN_ACTIONS[a].dials)).toEqual(['start', 'resume']);
    expect(CAMPAIGN_ACTION_NAMES.filter((a) => CAMPAIGN_ACTIONS[a].scope === 'start')).toEqual(['start', 'resume']);
  });
});
