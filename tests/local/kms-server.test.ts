// The local KMS stand-in as the real @aws-sdk/client-kms calls it (AWS JSON 1.1 over loopback): data keys
// that decrypt only under their key and encryption context, KMS's refusals by their exception names, and
// key material that survives a restart in a file only its owner may read.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalKms, type LocalKms } from '../../infra/local/kms/server.ts';

const ALIAS = 'alias/test-personal-data';
const OTHER = 'alias/test-other';

const running: { kms: LocalKms; client: KMSClient }[] = [];
const directories: string[] = [];
afterEach(async () => {
  for (const { kms, client } of running.splice(0)) {
    client.destroy();
    await kms.close();
  }
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(keyFile?: string) {
  const kms = await startLocalKms({ aliases: [ALIAS, OTHER], ...(keyFile ? { keyFile } : {}) });
  const client = new KMSClient({
    endpoint: kms.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  running.push({ kms, client });
  return { kms, client };
}

const context = { purpose: 'complaint-personal-data', complaintId: '01JD5Q8W4ZK3V9B7N2M6R0T1XY' };

describe('local KMS', () => {
  it('generates a data key whose ciphertext decrypts to it under the same context', async () => {
    // Prepare
    const { kms, client } = await start();
    const keyArn = kms.key(ALIAS).arn;

    // Act
    const generated = await client.send(
      new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    const decrypted = await client.send(
      new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: context }),
    );

    // Assess
    expect(generated.KeyId).toBe(keyArn);
    expect(generated.Plaintext).toHaveLength(32);
    expect(Buffer.from(decrypted.Plaintext!)).toEqual(Buffer.from(generated.Plaintext!));
    expect(decrypted.KeyId).toBe(keyArn);
    expect(kms.calls()).toEqual({ GenerateDataKey: 1, Decrypt: 1 });
  });

  it('encrypts with NumberOfBytes or plaintext, by alias, ARN or key id, and describes the key', async () => {
    // Prepare
    const { kms, client } = await start();
    const key = kms.key(ALIAS);

    // Act
    const bytes = await client.send(new GenerateDataKeyCommand({ KeyId: key.keyId, NumberOfBytes: 16 }));
    const encrypted = await client.send(
      new EncryptCommand({ KeyId: ALIAS, Plaintext: Buffer.from('secret'), EncryptionContext: context }),
    );
    const decrypted = await client.send(
      new DecryptCommand({
        CiphertextBlob: encrypted.CiphertextBlob,
        EncryptionContext: context,
        KeyId: key.arn,
      }),
    );
    const described = await client.send(new DescribeKeyCommand({ KeyId: ALIAS }));

    // Assess
    expect(bytes.Plaintext).toHaveLength(16);
    expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('secret');
    expect(described.KeyMetadata).toMatchObject({ KeyId: key.keyId, Arn: key.arn, KeyState: 'Enabled' });
  });

  it.each([
    ['another encryption context', { ...context, complaintId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, undefined],
    ['no encryption context', undefined, undefined],
    ['another key named', context, OTHER],
  ])('refuses to decrypt under %s', async (_case, decryptContext, keyId) => {
    // Prepare
    const { client, kms } = await start();
    const generated = await client.send(
      new GenerateDataKeyCommand({
        KeyId: kms.key(ALIAS).arn,
        KeySpec: 'AES_256',
        EncryptionContext: context,
      }),
    );

    // Act
    const attempt = client.send(
      new DecryptCommand({
        CiphertextBlob: generated.CiphertextBlob,
        ...(decryptContext ? { EncryptionContext: decryptContext } : {}),
        ...(keyId ? { KeyId: keyId } : {}),
      }),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: keyId ? 'IncorrectKeyException' : 'InvalidCiphertextException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses an altered ciphertext, an unknown key and a request without a key size', async () => {
    // Prepare
    const { client, kms } = await start();
    const generated = await client.send(new GenerateDataKeyCommand({ KeyId: ALIAS, KeySpec: 'AES_256' }));
    const altered = Buffer.from(generated.CiphertextBlob!);
    altered[altered.length - 1]! ^= 1;

    // Act
    const attempts = [
      client.send(new DecryptCommand({ CiphertextBlob: altered })),
      client.send(new GenerateDataKeyCommand({ KeyId: 'alias/none', KeySpec: 'AES_256' })),
      client.send(new GenerateDataKeyCommand({ KeyId: kms.key(ALIAS).arn })),
    ];

    // Assess
    await expect(attempts[0]).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(attempts[1]).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(attempts[2]).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('keeps the key material in a 0600 file, so ciphertexts open after a restart', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'kms-test-'));
    directories.push(dir);
    const keyFile = join(dir, 'kms-keys.json');
    const first = await start(keyFile);
    const generated = await first.client.send(
      new GenerateDataKeyCommand({ KeyId: ALIAS, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    const arn = first.kms.key(ALIAS).arn;
    await first.kms.close();

    // Act
    const second = await start(keyFile);
    const decrypted = await second.client.send(
      new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: context }),
    );

    // Assess
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(second.kms.key(ALIAS).arn).toBe(arn);
    expect(Buffer.from(decrypted.Plaintext!)).toEqual(Buffer.from(generated.Plaintext!));
  });
});
