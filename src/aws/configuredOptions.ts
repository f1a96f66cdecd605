import type { Config } from '../config';
import type { CampaignsClientOptions } from './campaignsClient';
import type { ReadStore } from './readStore';

/**
 * The AWS boundary's options as the settings give them (timeouts, deadline, call budget, shared
 * reads), so the server and the test harness build the same boundary; each adds its own wiring
 * (endpoint, metrics, breaker, governor).
 */
export function configuredClientOptions(
  config: Pick<Config, 'upstream' | 'maxAwsCallsPerRequest'>,
  sharedStore?: ReadStore,
): Pick<CampaignsClientOptions, 'requestTimeoutMs' | 'connectTimeoutMs' | 'deadlineMs' | 'maxCallsPerRequest' | 'sharedReads'> {
  const { upstream } = config;
  return {
    requestTimeoutMs: upstream.requestTimeoutMs,
    connectTimeoutMs: upstream.connectTimeoutMs,
    deadlineMs: upstream.deadlineMs,
    maxCallsPerRequest: config.maxAwsCallsPerRequest,
    sharedReads: {
      maxAgeMs: upstream.readCacheMaxAgeMs,
      maxEntries: upstream.readCacheMaxEntries,
      maxBytes: upstream.readCacheMaxBytes,
      staleMaxAgeMs: upstream.readStaleMaxAgeMs,
      ...(sharedStore ? { sharedStore } : {}),
    },
  };
}
