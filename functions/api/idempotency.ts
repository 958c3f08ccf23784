// Idempotent registration: the client's Idempotency-Key, scoped by caller, and a hash of the validated
// body that tells a retry (same body) from a reused key (another body).
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerOf, HttpProblem, type Caller } from '#commons/http';
import { validationProblem } from '#commons/http-problem';
import { principalKey } from '#domain/permissions';
import { IDEMPOTENCY_KEY } from './schemas.ts';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** JSON with object keys sorted at every level, so equal bodies hash equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const requestHashOf = (body: unknown): string =>
  createHash('sha256').update(canonicalJson(body)).digest('hex');

/**
 * The scoped key, or undefined when the client sent none. Keys are scoped by the authenticated principal,
 * so two systems using the same key never meet (SPEC section 10: retries are safe per client).
 */
export function idempotencyKeyOf(event: APIGatewayProxyEvent, caller: Caller): string | undefined {
  const key = headerOf(event, IDEMPOTENCY_HEADER);
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new HttpProblem(
      validationProblem(
        [{ path: IDEMPOTENCY_HEADER, message: 'must be 1-128 printable ASCII characters' }],
        'the Idempotency-Key header is invalid',
      ),
    );
  }
  return `${principalKey(caller)}:${key}`;
}
