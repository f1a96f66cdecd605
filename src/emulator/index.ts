import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallRecorder } from './calls';
import { Faults, type FaultInjector } from './faults';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, DEMO_INSTANCE_ID, seedCampaigns } from './seed';
import { createRequestHandler } from './server';
import { MemoryCampaignStore, type CampaignStore } from './store';
import { AccountThrottle, type ThrottleSpec } from './throttle';
import type { OperationName, RecordedCall } from './types';

export type {
  AnsweredCampaignStateWire,
  CampaignStateWire,
  LaterCampaignStateWire,
  ChannelSubtypeConfigWire,
  EmulatorCampaign,
  JsonObject,
  JsonValue,
  OperationName,
  RecordedCall,
  ScheduleWire,
  SourceWire,
  TelephonyChannelSubtypeConfigWire,
  TelephonyOutboundModeWire,
} from './types';
export { CAMPAIGN_STATES, OPERATION_NAMES } from './types';
export type { CampaignStore } from './store';
export type { FaultInjector, FailSpec } from './faults';
export { DEMO_INSTANCE_ID, DEMO_SECOND_INSTANCE_ID, DEFAULT_ACCOUNT_ID, DEFAULT_REGION, seedCampaigns } from './seed';
export { CONTROL_PREFIX } from './control';
export type { AccountThrottle, ThrottleSpec, ThrottleState } from './throttle';

export interface EmulatorOptions {
  /** Demo campaigns (default true); false starts (and resets to) an empty store. */
  seed?: boolean;
  /** Used in ARNs of seeded and new campaigns (default 123456789012). */
  accountId?: string;
  /** Used in ARNs of seeded and new campaigns (default us-east-1). */
  region?: string;
  /** How many recent calls `calls` keeps (default 100000); counts stay exact beyond it. */
  maxRecordedCalls?: number;
  /**
   * The account's rate (AWS's documented default is 2 calls/s, burst 5): calls beyond it are
   * answered 429 ThrottlingException. Absent or null: no throttling. Changeable through `throttle`
   * and the control API.
   */
  throttle?: ThrottleSpec | null;
}

export interface Emulator {
  /** Listens (port 0 = a free port) and resolves to the base URL, e.g. http://127.0.0.1:54321. */
  start(port?: number, host?: string): Promise<string>;
  /** Closes the server and every socket, keep-alive ones included; pending delayed answers are dropped. */
  stop(): Promise<void>;
  /** Base URL; throws when not started. */
  readonly url: string;
  readonly store: CampaignStore;
  readonly faults: FaultInjector;
  /** Every request received, in order (control calls excluded). */
  readonly calls: RecordedCall[];
  callCount(operation?: OperationName): number;
  resetCalls(): void;
  /** The account-wide token bucket: its limit and the calls it throttled. */
  readonly throttle: AccountThrottle;
}

/** Idle keep-alive sockets live this long: long enough that a benchmark rarely reconnects. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

function formatUrl(host: string, port: number): string {
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const region = options.region ?? DEFAULT_REGION;
  const seed = options.seed ?? true;
  const store = new MemoryCampaignStore({ accountId, region, connectInstanceId: DEMO_INSTANCE_ID }, () =>
    seed ? seedCampaigns(accountId, region) : [],
  );
  const faults = new Faults();
  const recorder = new CallRecorder(options.maxRecordedCalls);
  const throttle = new AccountThrottle(options.throttle);
  const handler = createRequestHandler({ store, faults, recorder, throttle });

  let server: Server | undefined;
  let baseUrl: string | undefined;

  return {
    start(port = 0, host = '127.0.0.1'): Promise<string> {
      if (server) return Promise.reject(new Error('emulator already started'));
      const created = createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, handler);
      server = created;
      return new Promise<string>((resolve, reject) => {
        const onError = (error: Error): void => {
          server = undefined;
          reject(error);
        };
        created.once('error', onError);
        created.listen(port, host, () => {
          created.off('error', onError);
          const address = created.address() as AddressInfo;
          baseUrl = formatUrl(host, address.port);
          resolve(baseUrl);
        });
      });
    },

    stop(): Promise<void> {
      const current = server;
      server = undefined;
      baseUrl = undefined;
      handler.cancelPending();
      if (!current) return Promise.resolve();
      return new Promise<void>((resolve) => {
        current.close(() => resolve());
        // close() alone waits for keep-alive sockets to time out; end them now.
        current.closeAllConnections();
      });
    },

    get url(): string {
      if (baseUrl === undefined) throw new Error('emulator not started');
      return baseUrl;
    },
    store,
    faults,
    calls: recorder.calls,
    callCount: (operation?: OperationName) => recorder.count(operation),
    resetCalls: () => recorder.reset(),
    throttle,
  };
}
