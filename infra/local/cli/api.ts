// The CLI's HTTP client: it talks to the complaints API like any upstream system would (SPEC section 10),
// so the CLI works against the embedded stack and a deployed stage alike. Failures become two typed
// errors: the API said no (a problem document) or the API could not be reached.

/** Where `npm start` listens: its PORT (3000 unless set) on loopback. */
export function defaultApiUrl(env: Record<string, string | undefined>): string {
  return `http://127.0.0.1:${env.PORT || '3000'}`;
}
const REQUEST_TIMEOUT_MS = 30_000;

/** One invalid field of an RFC 9457 problem (`customer.phone`: "must be ..."). */
export interface FieldError {
  path: string;
  message: string;
}

/** The problem document the API answers errors with; extension members (allowedActions...) may follow. */
export interface ProblemDocument {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** The API answered with a non-2xx status. */
export class ApiProblem extends Error {
  readonly problem: ProblemDocument;
  constructor(problem: ProblemDocument) {
    super(`${problem.title} (${problem.status})`);
    this.name = 'ApiProblem';
    this.problem = problem;
  }
}

/** Nothing answered at the base URL (refused, DNS, timeout). */
export class ApiUnreachable extends Error {
  constructor(baseUrl: string, cause: unknown) {
    super(`cannot reach the complaints API at ${baseUrl} (${reasonOf(cause)})`, { cause });
    this.name = 'ApiUnreachable';
  }
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

type Query = Record<string, string | undefined>;

/** Who the CLI calls as: a role and user whose token the embedded stack's issuer signs. */
export interface CliIdentity {
  role: string;
  user: string;
  /** Sent as X-On-Behalf-Of; an intake identity then asks for the delegation scope. */
  onBehalfOf?: string;
}

/** A token given as is (--token, e.g. from Cognito for a deployed API), or an identity to get one for. */
export type Credentials = { token: string } | { identity: CliIdentity } | { none: true };

/** Where the embedded stack hands out tokens of its local issuer (a deployed API has no such route). */
export const LOCAL_TOKEN_PATH = '/_local/token';

export class ApiClient {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #signal: AbortSignal | undefined;
  readonly #credentials: Credentials;
  #token: Promise<string> | undefined;

  constructor(
    baseUrl: string,
    fetchImpl: typeof fetch,
    signal?: AbortSignal,
    credentials: Credentials = { none: true },
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#fetch = fetchImpl;
    this.#signal = signal;
    this.#credentials = credentials;
  }

  /** A bearer token of the embedded stack's issuer for the identity (POST /_local/token). */
  async issueToken(identity: CliIdentity, expiresIn?: number): Promise<string> {
    const body = {
      role: identity.role,
      user: identity.user,
      ...(identity.onBehalfOf !== undefined && identity.role === 'intake' ? { delegation: true } : {}),
      ...(expiresIn !== undefined ? { expiresIn } : {}),
    };
    let response: ApiResponse<{ access_token: string }>;
    try {
      response = await this.post<{ access_token: string }>(LOCAL_TOKEN_PATH, body, {}, false);
    } catch (error) {
      if (error instanceof ApiProblem && error.problem.status === 404) {
        throw new ApiProblem({
          ...error.problem,
          title: 'No local token issuer',
          detail:
            `${this.baseUrl} does not issue tokens (a deployed API): sign in with Cognito and pass ` +
            '--token (or COMPLAINTS_TOKEN); docs/deploy.md says how',
        });
      }
      throw error;
    }
    return response.body.access_token;
  }

  async #authorization(): Promise<Record<string, string>> {
    const credentials = this.#credentials;
    if ('none' in credentials) return {};
    if ('token' in credentials) return { authorization: `Bearer ${credentials.token}` };
    this.#token ??= this.issueToken(credentials.identity);
    return {
      authorization: `Bearer ${await this.#token}`,
      ...(credentials.identity.onBehalfOf ? { 'x-on-behalf-of': credentials.identity.onBehalfOf } : {}),
    };
  }

  get<T>(path: string, query: Query = {}): Promise<ApiResponse<T>> {
    return this.#send<T>('GET', path, query);
  }

  post<T>(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
    authenticated = true,
  ): Promise<ApiResponse<T>> {
    return this.#send<T>('POST', path, {}, { body, headers }, authenticated);
  }

  async #send<T>(
    method: string,
    path: string,
    query: Query,
    payload?: { body: unknown; headers: Record<string, string> },
    authenticated = true,
  ): Promise<ApiResponse<T>> {
    const authorization = authenticated ? await this.#authorization() : {};
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(name, value);

    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          accept: 'application/json, application/problem+json',
          ...authorization,
          ...(payload ? { 'content-type': 'application/json', ...payload.headers } : {}),
        },
        ...(payload ? { body: JSON.stringify(payload.body) } : {}),
        signal: this.#signal ? AbortSignal.any([this.#signal, timeout]) : timeout,
      });
    } catch (error) {
      // Ctrl-C while waiting is the caller's business, not an unreachable API.
      if (this.#signal?.aborted) throw error;
      throw new ApiUnreachable(this.baseUrl, error);
    }

    const text = await response.text();
    if (!response.ok) throw new ApiProblem(problemOf(response, text));
    try {
      return { status: response.status, headers: response.headers, body: JSON.parse(text) as T };
    } catch {
      throw new ApiProblem({
        title: 'Unexpected response',
        status: response.status,
        detail: `${method} ${url.pathname} answered ${response.status} with a body that is not JSON`,
      });
    }
  }
}

/** The problem document of an error response, or one made up from the status when the body is not one. */
function problemOf(response: Response, text: string): ProblemDocument {
  try {
    const parsed = JSON.parse(text) as Partial<ProblemDocument>;
    if (typeof parsed.title === 'string') return { ...parsed, title: parsed.title, status: response.status };
  } catch {
    // Not JSON (a proxy's HTML page, say): fall through to a problem built from the status line.
  }
  return {
    title: response.statusText || 'HTTP error',
    status: response.status,
    detail: text.trim().slice(0, 300) || `the API answered ${response.status}`,
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
    const cause = error.cause as { code?: string; message?: string } | undefined;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}
