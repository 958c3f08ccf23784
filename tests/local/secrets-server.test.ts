// The local stand-in for the AWS Parameters and Secrets Lambda Extension, over plain HTTP as handlers call
// it: GetSecretValue's JSON for a known id, and the extension's refusals for a missing or wrong token, a
// missing secretId and an unknown secret.
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalSecrets, type LocalSecrets } from '../../infra/local/secrets/server.ts';

const TOKEN = 'session-token-of-this-sandbox';
const SECRET_ID = 'complaints/local/phone-hash-key';
const VALUE = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';

const running: LocalSecrets[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((secrets) => secrets.close()));
});

async function start(): Promise<LocalSecrets> {
  const secrets = await startLocalSecrets({ secrets: { [SECRET_ID]: VALUE }, sessionToken: TOKEN });
  running.push(secrets);
  return secrets;
}

/** token null: the header is left out. */
function get(secrets: LocalSecrets, query: string, token: string | null = TOKEN) {
  return fetch(`http://localhost:${secrets.port}/secretsmanager/get${query}`, {
    headers: token === null ? {} : { 'X-Aws-Parameters-Secrets-Token': token },
  });
}

describe('local secrets extension', () => {
  it('answers GetSecretValue for a known id, URL-encoded as the extension expects', async () => {
    // Prepare
    const secrets = await start();

    // Act
    const response = await get(secrets, `?secretId=${encodeURIComponent(SECRET_ID)}`);
    const body = (await response.json()) as Record<string, unknown>;

    // Assess
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ Name: SECRET_ID, SecretString: VALUE, VersionStages: ['AWSCURRENT'] });
    expect(body.ARN).toMatch(/^arn:aws:secretsmanager:[^:]+:\d{12}:secret:/);
  });

  it.each([
    ['no token', `?secretId=${SECRET_ID}`, null, 401],
    ['a wrong token', `?secretId=${SECRET_ID}`, 'someone-else', 401],
    ['no secretId', '', TOKEN, 400],
    ['an empty secretId', '?secretId=', TOKEN, 400],
    ['an unknown secretId', '?secretId=complaints/local/other', TOKEN, 404],
  ])('refuses a request with %s, and shows no value', async (_case, query, token, status) => {
    // Prepare
    const secrets = await start();

    // Act
    const response = await get(secrets, query, token);
    const body = await response.text();

    // Assess
    expect(response.status).toBe(status);
    expect(body).not.toContain(VALUE);
  });

  it('checks the token before anything else, as the extension does', async () => {
    const secrets = await start();
    expect((await get(secrets, '', null)).status).toBe(401);
  });

  it('fails the next requests on demand, then serves the secret again', async () => {
    // Prepare
    const secrets = await start();
    secrets.failNext(2, 503);

    // Act
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(secrets, `?secretId=${SECRET_ID}`)).status);

    // Assess
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('answers 404 for other paths', async () => {
    const secrets = await start();
    const response = await fetch(`http://localhost:${secrets.port}/systemsmanager/parameters/get?name=x`, {
      headers: { 'X-Aws-Parameters-Secrets-Token': TOKEN },
    });
    expect(response.status).toBe(404);
  });
});
