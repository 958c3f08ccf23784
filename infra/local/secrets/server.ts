// A local stand-in for the AWS Parameters and Secrets Lambda Extension: the same HTTP API on loopback
// (`GET /secretsmanager/get?secretId=...` with X-Aws-Parameters-Secrets-Token, GetSecretValue's JSON back),
// serving secrets held in memory. Handlers reach it only through PARAMETERS_SECRETS_EXTENSION_HTTP_PORT.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SECRETS_TOKEN_HEADER } from '#commons/secrets-extension';
import { closeServer, listen } from '../shared/http-util.ts';

// Node hands request headers over lower-cased.
const tokenHeader = SECRETS_TOKEN_HEADER.toLowerCase();

export interface LocalSecretsOptions {
  /** Secret values by id (the name callers pass as secretId). */
  secrets: Readonly<Record<string, string>>;
  /** The token callers must send, as the extension checks AWS_SESSION_TOKEN. */
  sessionToken: string;
  /** 0 or absent: a free port. */
  port?: number;
  log?: (line: string) => void;
}

export interface LocalSecrets {
  /** For PARAMETERS_SECRETS_EXTENSION_HTTP_PORT. */
  port: number;
  /** Base URL (http://127.0.0.1:port). */
  endpoint: string;
  /** The next n requests for a secret fail with this status (default 500), as an unreachable Secrets Manager would. */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startLocalSecrets(options: LocalSecretsOptions): Promise<LocalSecrets> {
  const log = options.log ?? (() => undefined);
  const secrets = new Map(Object.entries(options.secrets));
  const created = new Date();
  const versionId = randomUUID();
  const injected = { remaining: 0, status: 500 };

  const answer = (request: IncomingMessage): { status: number; body: string } => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET' || url.pathname !== '/secretsmanager/get') {
      return { status: 404, body: `no route for ${request.method ?? ''} ${url.pathname}` };
    }
    if (request.headers[tokenHeader] !== options.sessionToken) {
      return { status: 401, body: 'missing or invalid X-Aws-Parameters-Secrets-Token header' };
    }
    const secretId = url.searchParams.get('secretId') ?? '';
    if (secretId === '') return { status: 400, body: 'missing required parameter: secretId' };
    if (injected.remaining > 0) {
      injected.remaining -= 1;
      return { status: injected.status, body: `injected failure (${injected.status})` };
    }
    const value = secrets.get(secretId);
    if (value === undefined) {
      return {
        status: 404,
        body: `ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
      };
    }
    return { status: 200, body: JSON.stringify(secretValue(secretId, value, versionId, created)) };
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const { status, body } = answer(request);
    // The value never reaches the log; the id and the answer do.
    if (status !== 200) log(`[secrets] ${status} for ${request.url ?? '?'}`);
    response.writeHead(status, {
      'content-type': status === 200 ? 'application/json' : 'text/plain',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
  const endpoint = await listen(server, options.port);

  return {
    port: Number(new URL(endpoint).port),
    endpoint,
    failNext: (n, status = 500) => {
      injected.remaining = n;
      injected.status = status;
    },
    close: () => closeServer(server),
  };
}

/** GetSecretValue's reply for the current version. */
function secretValue(name: string, value: string, versionId: string, created: Date) {
  return {
    ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-local`,
    Name: name,
    VersionId: versionId,
    SecretString: value,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: created.toISOString(),
  };
}
