import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { request } from 'node:http';
import { createEmulator, type Emulator } from '../../src/emulator';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A real SDK client pointed at the emulator. */
export function sdkClient(endpoint: string, maxAttempts?: number): ConnectCampaignsV2Client {
  return new ConnectCampaignsV2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator' },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Plain HTTP for what the SDK cannot send (bad JSON, unknown routes) and for the control API. */
export function raw(baseUrl: string, method: string, path: string, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) {
      req.setHeader('content-type', 'application/json');
      req.end(body);
    } else {
      req.end();
    }
  });
}

/** Runs `fn`, expecting it to reject; returns the rejection. */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/**
 * A seeded emulator and a real SDK client on it (single attempt) for a describe block: started
 * before its tests, stopped after them, and reset (store, faults, call log) before each test.
 */
export function useEmulatorWithClient(): { readonly emulator: Emulator; readonly client: ConnectCampaignsV2Client } {
  let emulator: Emulator | undefined;
  let client: ConnectCampaignsV2Client | undefined;
  beforeAll(async () => {
    emulator = createEmulator();
    client = sdkClient(await emulator.start(), 1);
  });
  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
  });
  beforeEach(() => {
    emulator?.store.reset();
    emulator?.faults.clear();
    emulator?.resetCalls();
  });
  return {
    get emulator() {
      if (!emulator) throw new Error('the emulator starts in beforeAll');
      return emulator;
    },
    get client() {
      if (!client) throw new Error('the client is made in beforeAll');
      return client;
    },
  };
}
