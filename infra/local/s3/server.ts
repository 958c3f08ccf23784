// A local stand-in for Amazon S3: s3rver (the S3 REST protocol, objects as files) on loopback, with the
// attachments bucket created at start and a CORS rule letting the customer's page upload with the
// presigned POST and show photos through signed GET URLs, as the deployed bucket's CORS rule does. Objects
// live under DATA_DIR/s3 (or a temporary directory removed on close). Handlers reach it through
// AWS_ENDPOINT_URL_S3 with path-style addressing; the code path is the deployed one.
//
// What s3rver does not do: it checks neither signatures (v4) nor a POST policy's conditions. The
// attachment use case never trusts an upload anyway: it checks the stored object's size and content type
// before accepting it (functions/use-cases/attachments.ts), here as on AWS.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK } from '../shared/http-util.ts';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
interface S3rverAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
}

const require = createRequire(import.meta.url);

/** Browsers may POST (the presigned form) and GET (signed URLs) from any origin; the signatures guard. */
const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface LocalS3Options {
  /** Where objects are kept; absent: a temporary directory removed on close. */
  directory?: string;
  /** Buckets created at start (kept when they exist). */
  buckets: readonly string[];
  /** The credentials the handlers sign with (s3rver refuses unknown access key ids). */
  accessKeyId: string;
  secretAccessKey: string;
  port?: number;
  log?: (line: string) => void;
}

export interface LocalS3 {
  endpoint: string;
  directory: string;
  close(): Promise<void>;
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const S3rver = require('s3rver') as S3rverConstructor;
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: S3rverAccount };
  DUMMY_ACCOUNT.createKeyPair(options.accessKeyId, options.secretAccessKey);
  const temporary = options.directory === undefined;
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'complaints-s3-'));
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: LOOPBACK,
    port: options.port ?? 0,
    directory,
    silent: true,
    // Path-style only: the SDK is told to use it (forcePathStyle), and no wildcard DNS is needed.
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [CORS] })),
  });
  const address = await server.run();
  const endpoint = `http://${LOOPBACK}:${address.port}`;
  options.log?.(`S3 (s3rver) on ${endpoint}, objects in ${directory}`);
  return {
    endpoint,
    directory,
    close: async () => {
      server.httpServer?.closeAllConnections();
      await server.close();
      if (temporary) rmSync(directory, { recursive: true, force: true });
    },
  };
}
