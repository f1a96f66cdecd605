/** Who is calling. `anonymous` when authentication is off. */
export interface Principal {
  subject: string;
  /** Scopes granted by the caller's token; `all` when authentication is off. */
  scopes: ReadonlySet<string> | 'all';
  /** When the caller's token expires (ms since the epoch); absent when authentication is off. A subscription ends then. */
  expiresAt?: number;
}

export function hasScope(principal: Principal, scope: string): boolean {
  return principal.scopes === 'all' || principal.scopes.has(scope);
}
