// A local stand-in for AWS KMS: the AWS JSON 1.1 protocol (`X-Amz-Target: TrentService.<Operation>`) on
// loopback, serving the calls the AWS Encryption SDK's KMS keyring makes (GenerateDataKey, Encrypt, Decrypt)
// and DescribeKey. Key material is random, kept in one file under the data directory (mode 0600) or in
// memory. Ciphertext blobs are AES-256-GCM under the key, bound to the encryption context as AAD, so a blob
// opens only under its key and with the same context, as in KMS. Handlers reach it through
// AWS_ENDPOINT_URL_KMS, like every other stand-in.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen, readBody } from '../shared/http-util.ts';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TARGET_PREFIX = 'TrentService.';
/** Blob layout: magic, key id (36 ASCII characters), IV, GCM tag, ciphertext. */
const BLOB_MAGIC = Buffer.from('LKMS1');
const KEY_ID_LENGTH = 36;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const MAX_PLAINTEXT_BYTES = 4096;

export interface LocalKmsKey {
  keyId: string;
  arn: string;
  alias?: string;
  description: string;
  createdAt: string;
}

interface StoredKey extends LocalKmsKey {
  /** base64 of 32 random bytes. */
  material: string;
}

export interface LocalKmsOptions {
  /** JSON file keeping the key material (written 0600); absent: keys live in memory only. */
  keyFile?: string;
  /** Keys to have, by alias (alias/...): created on first start, kept in keyFile afterwards. */
  aliases?: readonly string[];
  port?: number;
  log?: (line: string) => void;
}

export interface LocalKms {
  endpoint: string;
  /** The key behind an alias given at start. */
  key(alias: string): LocalKmsKey;
  /** Requests answered, by operation (tests check what the cache saves). */
  calls(): Record<string, number>;
  close(): Promise<void>;
}

class KmsError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

export async function startLocalKms(options: LocalKmsOptions = {}): Promise<LocalKms> {
  const log = options.log ?? (() => undefined);
  const keys = loadKeys(options.keyFile);
  let created = false;
  for (const alias of options.aliases ?? []) {
    if (keys.some((key) => key.alias === alias)) continue;
    keys.push(newKey(alias));
    created = true;
  }
  if (created && options.keyFile) saveKeys(options.keyFile, keys);
  const counts: Record<string, number> = {};

  const findKey = (keyId: unknown): StoredKey => {
    if (typeof keyId !== 'string' || keyId === '')
      throw new KmsError('ValidationException', 'KeyId is required');
    const key = keys.find((k) => k.keyId === keyId || k.arn === keyId || k.alias === keyId);
    if (!key) throw new KmsError('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  };

  const operations: Record<string, (input: Record<string, unknown>) => Record<string, unknown>> = {
    DescribeKey: (input) => {
      const key = findKey(input.KeyId);
      return {
        KeyMetadata: {
          AWSAccountId: ACCOUNT,
          KeyId: key.keyId,
          Arn: key.arn,
          CreationDate: Date.parse(key.createdAt) / 1000,
          Enabled: true,
          Description: key.description,
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeyState: 'Enabled',
          Origin: 'AWS_KMS',
          KeyManager: 'CUSTOMER',
          KeySpec: 'SYMMETRIC_DEFAULT',
          CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
          EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
          MultiRegion: false,
        },
      };
    },
    GenerateDataKey: (input) => {
      const key = findKey(input.KeyId);
      const plaintext = randomBytes(dataKeyLength(input));
      return {
        KeyId: key.arn,
        Plaintext: plaintext.toString('base64'),
        CiphertextBlob: seal(key, plaintext, contextOf(input)).toString('base64'),
      };
    },
    Encrypt: (input) => {
      const key = findKey(input.KeyId);
      const plaintext = blobOf(input.Plaintext, 'Plaintext');
      if (plaintext.byteLength === 0 || plaintext.byteLength > MAX_PLAINTEXT_BYTES) {
        throw new KmsError('ValidationException', `Plaintext must be 1 to ${MAX_PLAINTEXT_BYTES} bytes`);
      }
      return { KeyId: key.arn, CiphertextBlob: seal(key, plaintext, contextOf(input)).toString('base64') };
    },
    Decrypt: (input) => {
      const blob = blobOf(input.CiphertextBlob, 'CiphertextBlob');
      const keyId = keyIdOf(blob);
      const key = keys.find((k) => k.keyId === keyId);
      if (!key) throw new KmsError('InvalidCiphertextException', 'the ciphertext refers to no known key');
      if (input.KeyId !== undefined && findKey(input.KeyId).keyId !== key.keyId) {
        throw new KmsError('IncorrectKeyException', 'the ciphertext was not encrypted under the given key');
      }
      return { KeyId: key.arn, Plaintext: open(key, blob, contextOf(input)).toString('base64') };
    },
  };

  const answer = async (request: IncomingMessage): Promise<{ status: number; body: unknown }> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const body = await readBody(request);
    if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
      throw new KmsError('UnknownOperationException', `no operation for ${request.method ?? ''} ${target}`);
    }
    const name = target.slice(TARGET_PREFIX.length);
    const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
    if (!operation) throw new KmsError('UnknownOperationException', `${name} is not served locally`);
    let input: unknown;
    try {
      input = JSON.parse(body === '' ? '{}' : body);
    } catch {
      throw new KmsError('SerializationException', 'the request body is not JSON');
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new KmsError('SerializationException', 'the request body is not a JSON object');
    }
    counts[name] = (counts[name] ?? 0) + 1;
    return { status: 200, body: operation(input as Record<string, unknown>) };
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    answer(request)
      .catch((error: unknown) => {
        const failure =
          error instanceof KmsError
            ? error
            : new KmsError('KMSInternalException', error instanceof Error ? error.message : 'failed', 500);
        // Only the refusal's kind: never a plaintext or a key.
        log(`[kms] ${failure.status} ${failure.type}`);
        return { status: failure.status, body: { __type: failure.type, message: failure.message } };
      })
      .then(
        ({ status, body }) => {
          const text = JSON.stringify(body);
          response.writeHead(status, {
            'content-type': 'application/x-amz-json-1.1',
            'content-length': Buffer.byteLength(text),
            'x-amzn-requestid': randomUUID(),
          });
          response.end(text);
        },
        () => response.destroy(),
      );
  });
  const endpoint = await listen(server, options.port);

  return {
    endpoint,
    key: (alias) => {
      const { material: _material, ...key } = findKey(alias);
      return key;
    },
    calls: () => ({ ...counts }),
    close: () => closeServer(server),
  };
}

function newKey(alias: string | undefined): StoredKey {
  const keyId = randomUUID();
  return {
    keyId,
    arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`,
    ...(alias ? { alias } : {}),
    description: alias ? `local key ${alias}` : 'local key',
    createdAt: new Date().toISOString(),
    material: randomBytes(32).toString('base64'),
  };
}

function loadKeys(file: string | undefined): StoredKey[] {
  if (!file || !existsSync(file)) return [];
  // Tightened on every start, in case the file was copied with looser rights.
  chmodSync(file, 0o600);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: StoredKey[] };
  return parsed.keys ?? [];
}

function saveKeys(file: string, keys: StoredKey[]): void {
  writeFileSync(file, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function dataKeyLength(input: Record<string, unknown>): number {
  if (input.NumberOfBytes !== undefined) {
    const n = input.NumberOfBytes;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1024) {
      throw new KmsError('ValidationException', 'NumberOfBytes must be an integer from 1 to 1024');
    }
    return n;
  }
  if (input.KeySpec === 'AES_256') return 32;
  if (input.KeySpec === 'AES_128') return 16;
  throw new KmsError('ValidationException', 'either KeySpec (AES_256, AES_128) or NumberOfBytes is required');
}

function blobOf(value: unknown, name: string): Buffer {
  if (typeof value !== 'string' || value === '')
    throw new KmsError('ValidationException', `${name} is required`);
  return Buffer.from(value, 'base64');
}

/** The encryption context as AAD: its pairs sorted by key, so the order a client sends them in is irrelevant. */
function contextOf(input: Record<string, unknown>): Buffer {
  const context = input.EncryptionContext ?? {};
  if (context === null || typeof context !== 'object' || Array.isArray(context)) {
    throw new KmsError('ValidationException', 'EncryptionContext must be a map of strings');
  }
  const pairs = Object.entries(context).map(([k, v]) => {
    if (typeof v !== 'string')
      throw new KmsError('ValidationException', 'EncryptionContext must be a map of strings');
    return [k, v] as const;
  });
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(pairs), 'utf8');
}

function seal(key: StoredKey, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key.material, 'base64'), iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([BLOB_MAGIC, Buffer.from(key.keyId, 'ascii'), iv, cipher.getAuthTag(), body]);
}

function keyIdOf(blob: Buffer): string {
  const header = BLOB_MAGIC.byteLength + KEY_ID_LENGTH + IV_LENGTH + TAG_LENGTH;
  if (blob.byteLength <= header || !blob.subarray(0, BLOB_MAGIC.byteLength).equals(BLOB_MAGIC)) {
    throw new KmsError('InvalidCiphertextException', 'the ciphertext is not a KMS ciphertext blob');
  }
  return blob.subarray(BLOB_MAGIC.byteLength, BLOB_MAGIC.byteLength + KEY_ID_LENGTH).toString('ascii');
}

function open(key: StoredKey, blob: Buffer, aad: Buffer): Buffer {
  let at = BLOB_MAGIC.byteLength + KEY_ID_LENGTH;
  const iv = blob.subarray(at, (at += IV_LENGTH));
  const tag = blob.subarray(at, (at += TAG_LENGTH));
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key.material, 'base64'), iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(blob.subarray(at)), decipher.final()]);
  } catch {
    // Wrong context or altered bytes: KMS says no more than this either.
    throw new KmsError('InvalidCiphertextException', 'the ciphertext or its encryption context is not valid');
  }
}
