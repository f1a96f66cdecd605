/** The AWS operations the boundary sends, by what they do to a campaign. */
import type { CallPriority, TokenRequest } from './quota';

/**
 * AWS operations that change a campaign's state. A lost answer to one of them leaves the outcome
 * unknown (it may have happened), never "not sent". One row per action.
 */
export const MUTATING_OPERATIONS: ReadonlySet<string> = new Set(['StartCampaign', 'PauseCampaign', 'ResumeCampaign', 'StopCampaign']);

/** Operation names by command class: worked out once per class, not on every send. */
const operations = new WeakMap<object, string>();

export function operationOf(command: object): string {
  let operation = operations.get(command.constructor);
  if (operation === undefined) {
    operation = command.constructor.name.replace(/Command$/, '');
    operations.set(command.constructor, operation);
  }
  return operation;
}

/** The priority of each action's calls: stop and pause halt dialling, start and resume dial. */
const ACTION_PRIORITY: Readonly<Record<string, CallPriority>> = {
  StopCampaign: 'halt',
  PauseCampaign: 'halt',
  StartCampaign: 'dial',
  ResumeCampaign: 'dial',
};

/**
 * How a call of `operation` asks for its token unless its caller says otherwise: an action at its
 * own priority, a read at `readPriority` (`read` for a caller waiting, `refresh` for background
 * work); both wait until their deadline.
 */
export function tokenRequestOf(operation: string, readPriority: CallPriority): TokenRequest {
  return { priority: ACTION_PRIORITY[operation] ?? readPriority, wait: 'deadline' };
}
