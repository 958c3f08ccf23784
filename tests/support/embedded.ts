// Tests drive the embedded stack the way an upstream system does: over HTTP, with real local servers.
import { inject } from 'vitest';
import {
  startEmbeddedStack,
  type EmbeddedStack,
  type EmbeddedStackOptions,
} from '../../infra/local/stack.ts';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestApi {
  stack: EmbeddedStack;
  url: string;
  post<T = Record<string, unknown>>(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  get<T = Record<string, unknown>>(path: string): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/** The embedded stack on the TypeScript sources, or in the bundled tier on the deployed bundles. */
export async function startTestApi(options: Partial<EmbeddedStackOptions> = {}): Promise<TestApi> {
  const functionBundles = inject('functionBundles');
  const stack = await startEmbeddedStack({
    port: 0,
    ...(functionBundles ? { functionBundles } : {}),
    ...options,
  });
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
  };
  return {
    stack,
    url: stack.url,
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path) => call('GET', path),
    close: () => stack.close(),
  };
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const sampleComplaint = (overrides: Record<string, unknown> = {}) => ({
  channel: 'hotline',
  description: '快递寄出五天了还没到，物流信息一直不更新',
  customer: { phone: '13812345678', name: '张三' },
  trackingNumber: 'SF1234567890',
  ...overrides,
});
