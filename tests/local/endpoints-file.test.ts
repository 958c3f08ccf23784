// DATA_DIR/endpoints.env names every local server of a running stack, each under the variable a tool or a
// handler reads it by, at the port LOCAL_<SERVICE>_PORT pinned: `set -a; . endpoints.env; set +a` is all
// an operator needs to reach any of them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvFile } from '../support/env-file.ts';
import { startTestApi, type TestApi } from '../support/embedded.ts';
import { freePort } from '../support/spawned-stack.ts';

let api: TestApi;
let dataDir: string;
let pinned: { cognito: number; eum: number; aliyun: number };
let endpoints: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'complaints-endpoints-'));
  // A port free a moment ago can be taken by a test running beside this one before the stack binds it:
  // then start again on other free ports.
  for (let attempt = 1; ; attempt++) {
    pinned = { cognito: await freePort(), eum: await freePort(), aliyun: await freePort() };
    try {
      api = await startTestApi({ dataDir, servicePorts: pinned });
      break;
    } catch (error) {
      if (attempt >= 5 || !/EADDRINUSE|already in use/.test(String(error))) throw error;
    }
  }
  endpoints = parseEnvFile(readFileSync(join(dataDir, 'endpoints.env'), 'utf8'));
}, 120_000);

afterAll(async () => {
  await api?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('DATA_DIR/endpoints.env', () => {
  it('puts the token issuer and both SMS stand-ins on the ports LOCAL_*_PORT pinned', () => {
    expect(endpoints.AUTH_ISSUER).toBe(`http://127.0.0.1:${pinned.cognito}`);
    expect(endpoints.AUTH_JWKS_URI).toBe(`http://127.0.0.1:${pinned.cognito}/.well-known/jwks.json`);
    expect(endpoints.AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2).toBe(`http://127.0.0.1:${pinned.eum}`);
    expect(endpoints.ALIYUN_SMS_ENDPOINT).toBe(`http://127.0.0.1:${pinned.aliyun}`);
  });

  it('names every local server the stack runs, as the handlers are configured', () => {
    const { stack } = api;
    expect(endpoints).toMatchObject({
      COMPLAINTS_API: stack.url,
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamo.endpoint,
      AWS_ENDPOINT_URL_SFN: stack.sfn.endpoint,
      AWS_ENDPOINT_URL_SNS: stack.sns.endpoint,
      AWS_ENDPOINT_URL_KMS: stack.kms.endpoint,
      AWS_ENDPOINT_URL_S3: stack.s3.endpoint,
      AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: stack.eum.endpoint,
      ALIYUN_SMS_ENDPOINT: stack.aliyun.endpoint,
      AUTH_ISSUER: stack.issuer.issuer,
      AUTH_JWKS_URI: stack.issuer.jwksUri,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(stack.secrets.port),
    });
    // The handlers run with the same values: the file is their configuration, not a second guess of it.
    for (const name of [
      'AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2',
      'ALIYUN_SMS_ENDPOINT',
      'AUTH_ISSUER',
      'AUTH_JWKS_URI',
      'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT',
    ]) {
      expect(endpoints[name], name).toBe(process.env[name]);
    }
  });

  it('names only addresses that answer', async () => {
    // Prepare
    const urls = Object.entries(endpoints)
      .filter(([name, value]) => /^https?:\/\//.test(value) && name !== 'AUTH_JWKS_URI')
      .map(([, value]) => value);
    urls.push(`http://127.0.0.1:${endpoints.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}`);

    // Act
    const answers = await Promise.all(urls.map(async (url) => (await fetch(url)).status));
    const jwks = (await (await fetch(endpoints.AUTH_JWKS_URI!)).json()) as { keys: unknown[] };

    // Assess: any HTTP answer shows a server listens there; the issuer serves its signing key.
    expect(answers.every((status) => status >= 200 && status < 600)).toBe(true);
    expect(urls).toHaveLength(10);
    expect(jwks.keys).toHaveLength(1);
  });
});
