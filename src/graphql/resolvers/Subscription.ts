import { GraphQLError } from 'graphql';
import type { SubscriptionResolvers } from '../../generated/graphql';
import { campaignIdProblem } from '../../campaigns/campaignId';
import type { LiveEvent } from '../../live/liveStates';
import type { ContextValue } from '../context';

function badIds(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'ids', ...extensions } });
}

/** The ids to watch, once each; refused (before anything is polled) when empty, too many or malformed. */
function watchedIds(ids: readonly string[], max: number): string[] {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) throw badIds('ids must name at least one campaign.');
  if (distinct.length > max) throw badIds(`ids may name at most ${max} campaigns (MAX_SUBSCRIPTION_IDS); got ${distinct.length}.`, { limit: max });
  distinct.forEach((id, index) => {
    const problem = campaignIdProblem(id);
    if (problem !== null) throw badIds(`ids[${index}]: ${problem}`);
  });
  return distinct;
}

export const Subscription: SubscriptionResolvers<ContextValue> = {
  campaignStateChanged: {
    subscribe(_parent, { ids }, ctx) {
      if (!ctx.liveStates) throw new GraphQLError('Live campaign states are not served here.', { extensions: { code: 'BAD_REQUEST' } });
      return ctx.liveStates.subscribe(watchedIds(ids, ctx.liveStates.maxIdsPerSubscription), { expiresAt: ctx.principal.expiresAt });
    },
    resolve(event: LiveEvent, _args: unknown, ctx: ContextValue) {
      if (event.kind === 'expired') {
        throw new GraphQLError('The bearer token has expired: subscribe again with a fresh token.', { extensions: { code: 'UNAUTHENTICATED' } });
      }
      ctx.startEvent?.();
      // The campaign's `state` and `availableActions` are this event's, with no AWS call.
      ctx.loaders.campaignState.clear(event.id).prime(event.id, event.state === null ? null : { state: event.state, asOf: event.asOf });
      return {
        campaign: { id: event.id },
        previousState: event.previousState,
        state: event.state,
        stateAsOf: new Date(event.asOf).toISOString(),
      };
    },
  },
};
