import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** Most distinct values, per process, that get their own warning and metric series; later ones share `(other)`. */
export const MAX_UNKNOWN_AWS_VALUES = 20;
/** Longest value named in a label or a log line. */
const MAX_VALUE_LENGTH = 64;

/**
 * What the gateway does when AWS answers an enum value it does not know (a campaign state AWS added
 * later): one warning line per value per process naming it (so an operator knows to update the
 * gateway), and a count in `campaign_gateway_unknown_aws_value_total{field,value}`, whose values
 * are capped at MAX_UNKNOWN_AWS_VALUES so that the series stay bounded.
 */
export function unknownAwsValueReporter(logger: Logger, metrics: Pick<Metrics, 'unknownAwsValue'>): (field: string, value: string) => void {
  const named = new Set<string>();
  return (field, raw) => {
    const value = raw.length > MAX_VALUE_LENGTH ? `${raw.slice(0, MAX_VALUE_LENGTH)}…` : raw;
    const key = `${field}\u0000${value}`;
    if (!named.has(key) && named.size < MAX_UNKNOWN_AWS_VALUES) {
      named.add(key);
      logger.warn(
        { event: 'aws.unknown_value', field, value },
        `AWS answered a ${field} this gateway does not know ("${value}"): it is answered null until the gateway is updated`,
      );
    }
    metrics.unknownAwsValue.inc({ field, value: named.has(key) ? value : '(other)' });
  };
}
