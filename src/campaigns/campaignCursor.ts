import { createHmac, timingSafeEqual } from 'node:crypto';
import { LIST_PAGE_SIZE } from './campaignService';
import type { ListPosition } from './types';

/**
 * Cursors of the campaign list: `<payload>.<tag>`, both base64url. The payload is
 * `{"v":1,"t":<AWS nextToken or null>,"o":<offset>,"i":<instance filter or null>}`; the tag is
 * an HMAC-SHA256 of it (first 128 bits) under the gateway's cursor key (CURSOR_SECRET, or a
 * random key per process), so only cursors this gateway issued are accepted and a forged AWS
 * token never reaches AWS.
 *
 * `t` names an AWS page (null = the first) and `o` how many of its campaigns come before the place,
 * so a page of `first` may end in the middle of an AWS page and the next one resume there. `i` is
 * the `connectInstanceId` the list was filtered by: AWS tokens belong to one filter, so a cursor
 * is refused under another. Clients must treat cursors as opaque; the format may change with `v`.
 */
const VERSION = 1;
/** An AWS nextToken is at most 1000 characters; anything much longer is not one of ours. */
const MAX_CURSOR_LENGTH = 2048;
/** A place is at most one past the last campaign of an AWS page. */
const MAX_OFFSET = LIST_PAGE_SIZE;
const TAG_BYTES = 16;

export interface DecodedCursor {
  position: ListPosition;
  connectInstanceId: string | null;
}

export class CampaignCursors {
  constructor(private readonly key: Buffer) {}

  private tag(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, TAG_BYTES);
  }

  encode(position: ListPosition, connectInstanceId: string | null): string {
    const json = JSON.stringify({ v: VERSION, t: position.token, o: position.offset, i: connectInstanceId });
    const payload = Buffer.from(json, 'utf8').toString('base64url');
    return `${payload}.${this.tag(payload).toString('base64url')}`;
  }

  /** The place a cursor names, or null when it is not a cursor this gateway (with this key) issued. */
  decode(cursor: string): DecodedCursor | null {
    if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(cursor)) return null;
    const [payload, tag] = cursor.split('.') as [string, string];
    const sent = Buffer.from(tag, 'base64url');
    if (sent.length !== TAG_BYTES || !timingSafeEqual(sent, this.tag(payload))) return null;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof value !== 'object' || value === null) return null;
    const { v, t, o, i } = value as Record<string, unknown>;
    if (v !== VERSION) return null;
    if (t !== null && (typeof t !== 'string' || t.length === 0)) return null;
    if (typeof o !== 'number' || !Number.isInteger(o) || o < 0 || o > MAX_OFFSET) return null;
    if (i !== null && typeof i !== 'string') return null;
    return { position: { token: t, offset: o }, connectInstanceId: i };
  }
}
