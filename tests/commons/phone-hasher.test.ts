// The phone hasher fetches its HMAC key from the secrets extension's HTTP API (here the local stack's
// stand-in, a real server) on first use: the same hash as an HMAC with that key, typed errors that name
// the problem without the key, and a failed fetch retried on the next call rather than cached.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '#commons/config';
import { PhoneHashKeyError, phoneHasher } from '#commons/phone-hasher';
import { SecretsExtensionError } from '#commons/secrets-extension';
import { startLocalSecrets, type LocalSecrets } from '../../infra/local/secrets/server.ts';

const TOKEN = 'session-token-of-this-sandbox';
const KEY_ID = 'complaints/test/phone-hash-key';
const KEY = 'a4c1e7f09b2d4c6e8a0b1c2d3e4f5a6b';
const SHORT_ID = 'complaints/test/short-key';
const SHORT_KEY = 'fifteen-chars!!';

let secrets: LocalSecrets;
beforeAll(async () => {
  secrets = await startLocalSecrets({
    secrets: { [KEY_ID]: KEY, [SHORT_ID]: SHORT_KEY },
    sessionToken: TOKEN,
  });
});
afterAll(() => secrets.close());

const hasher = (secretId: string | undefined, given: { sessionToken?: string | null; port?: number } = {}) =>
  phoneHasher({
    secretId,
    extension: () => ({
      port: given.port ?? secrets.port,
      // null: the variable is not set.
      sessionToken: given.sessionToken === null ? undefined : (given.sessionToken ?? TOKEN),
    }),
  });
const hmac = (key: string, e164: string) => createHmac('sha256', key).update(e164).digest('hex');

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a rejection');
}

describe('phoneHasher', () => {
  it('hashes every number exactly as an HMAC-SHA256 with the stored key', async () => {
    // Prepare
    const hashPhone = hasher(KEY_ID);

    // Act / Assess
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^\+[1-9]\d{6,14}$/), async (e164) => {
        expect(await hashPhone(e164)).toBe(hmac(KEY, e164));
      }),
      { numRuns: 50 },
    );
  });

  it('names PHONE_HASH_SECRET_ID when the function has no secret id', async () => {
    const error = await rejectionOf(hasher(undefined)('+8613812345678'));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).variables).toEqual(['PHONE_HASH_SECRET_ID']);
  });

  it.each([
    ['a wrong session token', KEY_ID, 'another-token', 401],
    ['no session token', KEY_ID, null, 401],
    ['an unknown secret', 'complaints/test/none', TOKEN, 404],
  ])('rejects %s with the extension’s status', async (_case, secretId, sessionToken, status) => {
    // Act
    const error = await rejectionOf(hasher(secretId, { sessionToken })('+8613812345678'));

    // Assess
    expect(error).toBeInstanceOf(SecretsExtensionError);
    expect((error as SecretsExtensionError).status).toBe(status);
    expect(error.message).toContain(secretId);
    if (sessionToken === null) expect(error.message).toContain('AWS_SESSION_TOKEN is not set');
  });

  it('says so when nothing listens on the extension port', async () => {
    // Prepare: a port that was free a moment ago.
    const gone = await startLocalSecrets({ secrets: {}, sessionToken: TOKEN });
    await gone.close();

    // Act
    const error = await rejectionOf(hasher(KEY_ID, { port: gone.port })('+8613812345678'));

    // Assess
    expect(error).toBeInstanceOf(SecretsExtensionError);
    expect((error as SecretsExtensionError).status).toBeUndefined();
    expect(error.message).toContain(`port ${gone.port}`);
  });

  it('refuses a key shorter than 16 characters without echoing it', async () => {
    const error = await rejectionOf(hasher(SHORT_ID)('+8613812345678'));
    expect(error).toBeInstanceOf(PhoneHashKeyError);
    expect(error.message).toMatch(/at least 16 characters/);
    expect(error.message).not.toContain(SHORT_KEY);
  });

  it('retries a failed fetch on the next call instead of keeping the failure', async () => {
    // Prepare
    const hashPhone = hasher(KEY_ID);
    secrets.failNext(1, 500);

    // Act
    const first = await rejectionOf(hashPhone('+8613812345678'));
    const second = await hashPhone('+8613812345678');

    // Assess
    expect((first as SecretsExtensionError).status).toBe(500);
    expect(second).toBe(hmac(KEY, '+8613812345678'));
  });

  it('keeps the key for the container once fetched: later extension failures do not matter', async () => {
    // Prepare
    const hashPhone = hasher(KEY_ID);
    await hashPhone('+8613800000000');
    secrets.failNext(3, 500);

    // Act
    const hashes = await Promise.all(['+8613811111111', '+8613822222222'].map((p) => hashPhone(p)));

    // Assess: the injected failures are still pending, so no request was made.
    expect(hashes).toEqual([hmac(KEY, '+8613811111111'), hmac(KEY, '+8613822222222')]);
    const probe = await fetch(`${secrets.endpoint}/secretsmanager/get?secretId=${KEY_ID}`, {
      headers: { 'X-Aws-Parameters-Secrets-Token': TOKEN },
    });
    expect(probe.status).toBe(500);
    secrets.failNext(0);
  });

  it('shares one fetch between concurrent first calls', async () => {
    // Prepare: one failure to hand out; separate fetches would let one call succeed.
    const hashPhone = hasher(KEY_ID);
    secrets.failNext(1, 503);

    // Act
    const outcomes = await Promise.allSettled([hashPhone('+8613811111111'), hashPhone('+8613822222222')]);

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(await hashPhone('+8613811111111')).toBe(hmac(KEY, '+8613811111111'));
  });
});
