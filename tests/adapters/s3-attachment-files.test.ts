// The S3 adapter against the local S3 stand-in (s3rver), through the SDK exactly as deployed: a presigned
// POST stores the file under its key, the first bytes and the whole size read back, a signed URL reads it,
// a deleted object reads as nothing, and the origin is where the SDK resolves the bucket.
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3AttachmentFiles } from '#adapters/s3-attachment-files';
import { startLocalS3, type LocalS3 } from '../../infra/local/s3/server.ts';
import { parcelPhoto } from '../support/png.ts';

const BUCKET = 'adapter-test-attachments';
let s3: LocalS3;
let client: S3Client;
let files: S3AttachmentFiles;

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: [BUCKET], accessKeyId: 'adapter', secretAccessKey: 'adapter' });
  client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'adapter', secretAccessKey: 'adapter' },
  });
  files = new S3AttachmentFiles(client, BUCKET);
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
});

async function post(upload: { url: string; fields: Record<string, string> }, bytes: Buffer, type: string) {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([bytes], { type }), 'file');
  const response = await fetch(upload.url, { method: 'POST', body: form });
  await response.arrayBuffer();
  return response.status;
}

describe('S3AttachmentFiles', () => {
  it('presigns an upload pinned to the key, type and size range, and reads the file back', async () => {
    // Prepare
    const photo = parcelPhoto(200);
    const key = 'complaints/C1/A1';

    // Act
    const upload = await files.presignUpload(key, { contentType: 'image/png', maxBytes: 1000, seconds: 60 });
    const status = await post(upload, photo, 'image/png');
    const start = await files.readStart(key, 16);
    const url = await files.signedReadUrl(key, { seconds: 60, contentType: 'image/png' });
    const read = await fetch(url);

    // Assess
    const policy = JSON.parse(Buffer.from(upload.fields.Policy ?? '', 'base64').toString('utf8')) as {
      conditions: unknown[];
    };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, 1000],
        ['eq', '$Content-Type', 'image/png'],
        { key },
        { bucket: BUCKET },
      ]),
    );
    expect(upload.url).toBe(`${s3.endpoint}/${BUCKET}`);
    expect(status).toBe(204);
    expect(start?.size).toBe(photo.byteLength);
    expect(Buffer.from(start?.start ?? []).equals(photo.subarray(0, 16))).toBe(true);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');
    expect(read.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await read.arrayBuffer()).equals(photo)).toBe(true);
  });

  it('reads a missing or deleted object as nothing', async () => {
    // Prepare
    const key = 'complaints/C2/A2';
    const upload = await files.presignUpload(key, { contentType: 'image/png', maxBytes: 1000, seconds: 60 });
    await post(upload, parcelPhoto(8), 'image/png');

    // Act
    await files.delete(key);

    // Assess
    expect(await files.readStart(key, 16)).toBeUndefined();
    expect(await files.readStart('complaints/never/uploaded', 16)).toBeUndefined();
  });

  it('names the origin the SDK resolves the bucket to', async () => {
    expect(await files.origin()).toBe(new URL(s3.endpoint).origin);
  });
});
