import type { ListPosition } from './types';

/**
 * Cursors of the campaign list: base64url of `{"v":1,"t":<AWS nextToken or null>,"o":<offset>,"i":<instance filter or null>}`.
 *
 * `t` names an AWS page (null = the first) and `o` how many of its campaigns come before the place,
 * so a page of `first` may end in the middle of an AWS page and the next one resume there. `i` is
 * the `connectInstanceId` the list was filtered by: AWS tokens belong to one filter, so a cursor
 * is refused under another. Clients must treat cursors as opaque; the format may change with `v`.
 */
const VERSION = 1;
/** An AWS nextToken is at most 1000 characters; anything much longer is not one of ours. */
const MAX_CURSOR_LENGTH = 2048;
const MAX_OFFSET = 1000;

export interface DecodedCursor {
  position: ListPosition;
  connectInstanceId: string | null;
}

export function encodeCampaignCursor(position: ListPosition, connectInstanceId: string | null): string {
  const json = JSON.stringify({ v: VERSION, t: position.token, o: position.offset, i: connectInstanceId });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** The place a cursor names, or null when it is not a cursor this gateway issued. */
export function decodeCampaignCursor(cursor: string): DecodedCursor | null {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
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
