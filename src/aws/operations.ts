/** The AWS operations the boundary sends, by what they do to a campaign. */

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
