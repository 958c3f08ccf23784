// The local stand-in for the Cognito user pool: the embedded stack's own token issuer. It signs access
// tokens shaped like Cognito's (RS256, `token_use: access`, `client_id`, `username` and `cognito:groups`
// for staff, resource-server `scope` for upstream systems) with a key kept under DATA_DIR (0600), and
// serves the public half as a JWKS on loopback. The API's authorizer verifies them with the very code
// it runs on AWS, configured with this issuer and JWKS URL instead of the user pool's.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import * as z from 'zod';
import { PRINCIPAL_ID, PRINCIPAL_ROLES, STAFF_ROLES, type PrincipalRole } from '#domain/permissions';
import {
  DEFAULT_RESOURCE_SERVER,
  DELEGATION_SCOPE,
  INTAKE_SCOPE,
} from '../../../functions/auth/token-claims.ts';
import { closeServer, listen } from '../shared/http-util.ts';

/** The app client staff tokens are issued to (on AWS: the staff console's app client). */
export const LOCAL_STAFF_CLIENT_ID = 'local-staff-console';
const ALGORITHM = 'RS256';
export const KEY_FILE = 'token-signing-key.json';
/** Default lifetime, as Cognito's default access token validity. */
export const DEFAULT_TOKEN_SECONDS = 3600;
export const MAX_TOKEN_SECONDS = 24 * 3600;

export const tokenRequestSchema = z.strictObject({
  role: z.enum(PRINCIPAL_ROLES),
  /** The staff user's username, or the upstream system's client id for `intake`. */
  user: z.string().regex(PRINCIPAL_ID, 'must be an id: letters, digits, . _ @ + - (1-128)'),
  /** intake only: the delegation scope (may act for a named agent, X-On-Behalf-Of). */
  delegation: z.boolean().optional(),
  expiresIn: z.int().min(1).max(MAX_TOKEN_SECONDS).optional(),
});
export type TokenRequest = z.infer<typeof tokenRequestSchema>;

/** Tests forge what a real issuer never signs: expired tokens, another issuer's, no roles at all. */
export interface MintOptions {
  role: PrincipalRole | 'none';
  user: string;
  delegation?: boolean;
  /** Seconds from now; negative for an already expired token. */
  expiresIn?: number;
  issuer?: string;
  clientId?: string;
  /** Claims set over the usual ones (e.g. `token_use: id`). */
  overrides?: Record<string, unknown>;
}

export interface LocalTokenIssuer {
  /** AUTH_ISSUER: the `iss` of every token it signs. */
  issuer: string;
  /** AUTH_JWKS_URI. */
  jwksUri: string;
  mint(options: MintOptions): Promise<string>;
  close(): Promise<void>;
}

export interface LocalTokenIssuerOptions {
  /** Where the signing key persists; undefined: a fresh key in memory. */
  dataDir?: string;
  resourceServer?: string;
  /** 0 or absent: a free port. */
  port?: number;
  log?: (line: string) => void;
}

interface SigningKey {
  privateJwk: JWK;
  kid: string;
}

async function signingKey(dataDir: string | undefined): Promise<SigningKey> {
  const file = dataDir === undefined ? undefined : join(dataDir, KEY_FILE);
  if (file !== undefined && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SigningKey;
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const key: SigningKey = { privateJwk: await exportJWK(privateKey), kid: randomUUID() };
  // The private key signs every role's tokens: readable by its owner only.
  if (file !== undefined) writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

function publicJwk({ privateJwk, kid }: SigningKey): JWK {
  const { kty, n, e } = privateJwk;
  return { kty, n, e, kid, alg: ALGORITHM, use: 'sig' } as JWK;
}

export async function startLocalTokenIssuer(
  options: LocalTokenIssuerOptions = {},
): Promise<LocalTokenIssuer> {
  const key = await signingKey(options.dataDir);
  const privateKey = await importJWK(key.privateJwk, ALGORITHM);
  const jwks = JSON.stringify({ keys: [publicJwk(key)] });
  const resourceServer = options.resourceServer ?? DEFAULT_RESOURCE_SERVER;

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    request.resume();
    if (request.method === 'GET' && path === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      return;
    }
    if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` }));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end(`no route for ${request.method} ${path}`);
  });
  const issuer = await listen(server, options.port);
  options.log?.(
    `token issuer on ${issuer} (signing key ${options.dataDir ? `in ${KEY_FILE}` : 'in memory'})`,
  );

  const mint = async (mintOptions: MintOptions): Promise<string> => {
    const { role, user } = mintOptions;
    const isClient = role === 'intake';
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      token_use: 'access',
      client_id: mintOptions.clientId ?? (isClient ? user : LOCAL_STAFF_CLIENT_ID),
      auth_time: now,
      jti: randomUUID(),
    };
    if (isClient) {
      const scopes = [INTAKE_SCOPE, ...(mintOptions.delegation ? [DELEGATION_SCOPE] : [])];
      claims.scope = scopes.map((s) => `${resourceServer}/${s}`).join(' ');
    } else {
      claims.username = user;
      claims.scope = 'aws.cognito.signin.user.admin';
      if ((STAFF_ROLES as readonly string[]).includes(role)) claims['cognito:groups'] = [role];
    }
    return new SignJWT({ ...claims, ...mintOptions.overrides })
      .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(mintOptions.issuer ?? issuer)
      .setSubject(isClient ? user : `local-${user}`)
      .setIssuedAt(now)
      .setExpirationTime(now + (mintOptions.expiresIn ?? DEFAULT_TOKEN_SECONDS))
      .sign(privateKey);
  };

  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    mint,
    close: () => closeServer(server),
  };
}
