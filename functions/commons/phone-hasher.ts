// The phone-number HMAC with its key fetched on first use from Secrets Manager (through the extension) and
// kept for the container's life. The key never sits in the function's environment, where anyone allowed to
// read the function's configuration would see it; it is the only protection of a small phone space.
import { createHmac } from 'node:crypto';
import type { PhoneHasher } from '#domain/ports';
import { ConfigurationError } from './config.ts';
import { getSecretString, type SecretsExtension } from './secrets-extension.ts';

/** Shorter keys are guessable along with the phone numbers they protect. */
export const PHONE_HASH_KEY_MIN_LENGTH = 16;

/** The secret exists but cannot serve as the key. */
export class PhoneHashKeyError extends Error {
  readonly secretId: string;
  constructor(secretId: string, message: string) {
    super(`secret ${secretId}: ${message}`);
    this.name = 'PhoneHashKeyError';
    this.secretId = secretId;
  }
}

export interface PhoneHasherOptions {
  /** PHONE_HASH_SECRET_ID; only checked on first use, so functions that never hash need not have it. */
  secretId: string | undefined;
  /** Read at fetch time: the extension's port and the session token that authorises the call. */
  extension: () => SecretsExtension;
}

/** HMAC-SHA256 (hex) of the E.164 number. Concurrent first calls share one fetch; a failed one is retried. */
export function phoneHasher(options: PhoneHasherOptions): PhoneHasher {
  let key: Promise<string> | undefined;
  const keyOnce = (): Promise<string> => {
    key ??= fetchKey(options).catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };
  return async (e164) =>
    createHmac('sha256', await keyOnce())
      .update(e164)
      .digest('hex');
}

async function fetchKey({ secretId, extension }: PhoneHasherOptions): Promise<string> {
  if (!secretId) {
    throw new ConfigurationError([
      { variable: 'PHONE_HASH_SECRET_ID', message: 'is required by functions that hash phone numbers' },
    ]);
  }
  const secret = await getSecretString(secretId, extension());
  if (secret.length < PHONE_HASH_KEY_MIN_LENGTH) {
    throw new PhoneHashKeyError(
      secretId,
      `the phone-hash key must be at least ${PHONE_HASH_KEY_MIN_LENGTH} characters`,
    );
  }
  return secret;
}
