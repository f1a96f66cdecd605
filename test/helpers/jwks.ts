import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export const ISSUER = 'https://id.test.example/';
export const AUDIENCE = 'campaign-gateway';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** An identity provider's JWKS endpoint on loopback, whose keys a test can rotate. */
export interface JwksServer {
  url: string;
  /** The keys served from now on. */
  keys: SigningKey[];
  /** How many times the key set was fetched. */
  fetches: number;
  /** The HTTP status answered from now on: 200 serves the keys, anything else an error page (an outage). */
  status: number;
  close(): Promise<void>;
}

export async function startJwksServer(keys: SigningKey[]): Promise<JwksServer> {
  const state = { keys, fetches: 0, status: 200 };
  const server: Server = createServer((_req, res) => {
    state.fetches++;
    if (state.status !== 200) {
      res.writeHead(state.status, { 'content-type': 'text/html' });
      res.end('<html>identity provider unavailable</html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: state.keys.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get keys() {
      return state.keys;
    },
    set keys(next: SigningKey[]) {
      state.keys = next;
    },
    get fetches() {
      return state.fetches;
    },
    get status() {
      return state.status;
    },
    set status(next: number) {
      state.status = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface TokenOptions {
  claims?: JWTPayload;
  issuer?: string;
  audience?: string;
  subject?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  notBefore?: number;
}

/** A signed token that the gateway configured with ISSUER/AUDIENCE accepts, unless options say otherwise. */
export function signToken(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject(options.subject ?? 'user-1')
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 300));
  if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
  return jwt.sign(key.privateKey);
}

/** The Authorization header carrying `token`. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The gateway's environment for jwt mode against `jwks`. */
export function jwtEnv(jwks: JwksServer): Record<string, string> {
  return { AUTH_MODE: 'jwt', AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A hand-assembled token: for the attacks a signing library refuses to produce. */
export function rawToken(header: object, payload: object, signature: Buffer | string = ''): string {
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${base64url(signature)}`;
}
