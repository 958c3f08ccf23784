// The one HTTP client of the tests: the API as an upstream system calls it, for any stack URL (the embedded
// stack in process, or one in its own process). Requests carry a bearer token of the stack's issuer for the
// client's identity, fetched once per identity; `anonymous` sends none, `send` sends anything at all.
import type { PrincipalRole } from '#domain/permissions';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Who a test client calls as: a staff user (agent, supervisor, auditor, admin), an upstream system
 * (`intake`, its client id as `user`, optionally with the delegation scope and a named agent), or a
 * principal with no role at all (`none`).
 */
export interface Identity {
  role: PrincipalRole | 'none';
  user: string;
  /** intake only: the delegation scope. */
  delegation?: boolean;
  /** Sent as X-On-Behalf-Of (a delegating client names the agent it acts for). */
  onBehalfOf?: string;
}

/** The default caller of test clients: an upstream intake system (registers, reads its own, relays feedback). */
export const TEST_INTAKE: Identity = { role: 'intake', user: 'test-intake' };

export interface RawRequest {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** 'manual' answers a redirect itself (its 30x and Location) instead of following it. */
  redirect?: 'follow' | 'manual';
}

export interface HttpApi {
  url: string;
  post<T = Record<string, unknown>>(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  get<T = Record<string, unknown>>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /**
   * Any method, raw body (a string is sent as is), for requests no well-behaved client sends. The
   * client's bearer token is added unless the headers name `authorization` themselves ('' sends none).
   */
  send(request: RawRequest): Promise<ApiResponse & { text: string }>;
  /** The same stack as another principal. */
  as(identity: Identity): HttpApi;
  /** Without any Authorization header (headers are sent exactly as given). */
  anonymous: Pick<HttpApi, 'get' | 'post' | 'send'>;
  /** A bearer token of the stack's issuer for the identity. */
  tokenFor(identity: Identity): Promise<string>;
}

export interface HttpApiOptions {
  /** Who the client calls as (default: TEST_INTAKE). */
  identity?: Identity;
  /** Sees every response's raw text (e.g. to prove something never appears in any of them). */
  onResponse?: (text: string, path: string) => void;
  /** Where tokens come from (default: the stack's POST /_local/token, as `npm run complaints -- token`). */
  mint?: (identity: Identity) => Promise<string>;
}

/** An access token of the stack's local issuer, as `npm run complaints -- token` gets one. */
export async function tokenFrom(url: string, identity: Identity): Promise<string> {
  const response = await fetch(`${url}/_local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      role: identity.role,
      user: identity.user,
      ...(identity.delegation ? { delegation: true } : {}),
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(`no token for ${JSON.stringify(identity)}: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

function parseJson(text: string): Record<string, unknown> {
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { unparsed: text };
  }
}

export function httpApi(url: string, options: HttpApiOptions = {}): HttpApi {
  const { onResponse, mint = (identity: Identity) => tokenFrom(url, identity) } = options;
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (identity: Identity): Promise<string> => {
    const key = JSON.stringify([identity.role, identity.user, identity.delegation ?? false]);
    let token = tokens.get(key);
    if (!token) {
      token = mint(identity);
      tokens.set(key, token);
    }
    return token;
  };
  /** The headers as given (anonymous), or with the identity's credentials unless they name their own. */
  const credentials = async (
    identity: Identity | undefined,
    headers: Record<string, string>,
  ): Promise<Record<string, string>> => {
    if (identity === undefined) return headers;
    const named = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization');
    if (named !== undefined) {
      const { [named]: given, ...rest } = headers;
      return given ? { ...rest, [named]: given } : rest;
    }
    return {
      authorization: `Bearer ${await tokenFor(identity)}`,
      ...(identity.onBehalfOf ? { 'x-on-behalf-of': identity.onBehalfOf } : {}),
      ...headers,
    };
  };
  const sender =
    (identity: Identity | undefined): HttpApi['send'] =>
    async ({ method, path, body, headers = {}, redirect }) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: await credentials(identity, headers),
        ...(body === undefined ? {} : { body }),
        ...(redirect ? { redirect } : {}),
      });
      const text = await response.text();
      onResponse?.(text, path);
      return { status: response.status, headers: response.headers, body: parseJson(text), text };
    };
  const json =
    (send: HttpApi['send']) =>
    async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await send({
        method,
        path,
        ...(body === undefined
          ? { headers }
          : {
              body: typeof body === 'string' ? body : JSON.stringify(body),
              headers: { 'content-type': 'application/json', ...headers },
            }),
      });
      return { status: response.status, headers: response.headers, body: response.body as T };
    };
  const calls = (identity: Identity | undefined): Pick<HttpApi, 'get' | 'post' | 'send'> => {
    const send = sender(identity);
    const call = json(send);
    return {
      post: (path, body, headers) => call('POST', path, body, headers),
      get: (path, headers) => call('GET', path, undefined, headers),
      send,
    };
  };
  const anonymous = calls(undefined);
  const client = (identity: Identity): HttpApi => ({
    url,
    ...calls(identity),
    as: client,
    anonymous,
    tokenFor,
  });
  return client(options.identity ?? TEST_INTAKE);
}
