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

export class ApiClient {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #signal: AbortSignal | undefined;

  constructor(baseUrl: string, fetchImpl: typeof fetch, signal?: AbortSignal) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#fetch = fetchImpl;
    this.#signal = signal;
  }

  get<T>(path: string, query: Query = {}): Promise<ApiResponse<T>> {
    return this.#send<T>('GET', path, query);
  }

  post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.#send<T>('POST', path, {}, { body, headers });
  }

  async #send<T>(
    method: string,
    path: string,
    query: Query,
    payload?: { body: unknown; headers: Record<string, string> },
  ): Promise<ApiResponse<T>> {
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
