// The AttachmentFiles port on S3. Uploads go straight from the browser to the bucket with a presigned POST
// whose policy pins the key, the content type and the size range; reads are short-lived signed GET URLs.
// The bucket is private and KMS-encrypted (infra/stacks/data-stack.ts); locally the s3rver stand-in is
// reached through AWS_ENDPOINT_URL_S3, with path-style addressing when configured so.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AttachmentFiles, PresignedUpload } from '#domain/ports';

export class S3AttachmentFiles implements AttachmentFiles {
  readonly #s3: S3Client;
  readonly #bucket: string;
  #origin: Promise<string> | undefined;

  constructor(s3: S3Client, bucket: string) {
    this.#s3 = s3;
    this.#bucket = bucket;
  }

  async presignUpload(
    key: string,
    limits: { contentType: string; maxBytes: number; seconds: number },
  ): Promise<PresignedUpload> {
    const expiresAt = new Date(Date.now() + limits.seconds * 1000).toISOString();
    const { url, fields } = await createPresignedPost(this.#s3, {
      Bucket: this.#bucket,
      Key: key,
      Conditions: [
        ['content-length-range', 1, limits.maxBytes],
        ['eq', '$Content-Type', limits.contentType],
      ],
      Fields: { 'Content-Type': limits.contentType },
      Expires: limits.seconds,
    });
    return { url, fields, expiresAt };
  }

  async readStart(key: string, bytes: number): Promise<{ size: number; start: Uint8Array } | undefined> {
    try {
      const object = await this.#s3.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: key, Range: `bytes=0-${bytes - 1}` }),
      );
      const start = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
      // Content-Range: bytes 0-4099/123456 carries the whole size; without a range answer, the length is it.
      const total = /\/(\d+)$/.exec(object.ContentRange ?? '')?.[1];
      return {
        size: total === undefined ? (object.ContentLength ?? start.byteLength) : Number(total),
        start,
      };
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.#s3.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  signedReadUrl(key: string, options: { seconds: number; contentType: string }): Promise<string> {
    return getSignedUrl(
      this.#s3,
      new GetObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        ResponseContentType: options.contentType,
        ResponseContentDisposition: 'inline',
      }),
      { expiresIn: options.seconds },
    );
  }

  /** Where the SDK resolves the bucket to (its own endpoint rules, no guessing): signing needs no request. */
  origin(): Promise<string> {
    this.#origin ??= getSignedUrl(this.#s3, new GetObjectCommand({ Bucket: this.#bucket, Key: 'origin' }), {
      expiresIn: 60,
    }).then((url) => new URL(url).origin);
    return this.#origin;
  }
}
