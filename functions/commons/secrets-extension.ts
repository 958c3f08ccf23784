// Client of the AWS Parameters and Secrets Lambda Extension's HTTP API: GetSecretValue through a loopback
// port, authorised by the sandbox's session token. The local stack serves the same protocol
// (infra/local/secrets/server.ts), so handlers fetch secrets the same way everywhere. Plain fetch: no SDK
// client in the bundle for one call.

export interface SecretsExtension {
  /** PARAMETERS_SECRETS_EXTENSION_HTTP_PORT (2773 unless configured). */
  port: number;
  /** AWS_SESSION_TOKEN of the execution environment: the extension answers only callers that know it. */
  sessionToken: string | undefined;
  /** Gives up on a hung extension before the function's own timeout (default 3 s). */
  timeoutMs?: number;
}

/** The extension could not be reached or refused the request; nothing is cached, the next call retries. */
export class SecretsExtensionError extends Error {
  readonly secretId: string;
  /** The extension's HTTP status; undefined when it could not be reached or timed out. */
  readonly status: number | undefined;
  constructor(secretId: string, status: number | undefined, detail: string, options?: ErrorOptions) {
    super(`secret ${secretId}: ${detail}`, options);
    this.name = 'SecretsExtensionError';
    this.secretId = secretId;
    this.status = status;
  }
}

export const SECRETS_TOKEN_HEADER = 'X-Aws-Parameters-Secrets-Token';
const DEFAULT_TIMEOUT_MS = 3_000;

/** The secret's SecretString (current version), as GetSecretValue returns it. */
export async function getSecretString(secretId: string, extension: SecretsExtension): Promise<string> {
  const url = `http://localhost:${extension.port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: extension.sessionToken ? { [SECRETS_TOKEN_HEADER]: extension.sessionToken } : {},
      signal: AbortSignal.timeout(extension.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SecretsExtensionError(
      secretId,
      undefined,
      `the secrets extension on port ${extension.port} did not answer (${reason})`,
      { cause: error },
    );
  }
  const text = await response.text();
  if (!response.ok) throw refused(secretId, response.status, text, extension);
  return secretStringOf(secretId, response.status, text);
}

function refused(
  secretId: string,
  status: number,
  body: string,
  extension: SecretsExtension,
): SecretsExtensionError {
  // Error bodies carry the extension's or Secrets Manager's message, never a secret value.
  const hint = status === 401 && !extension.sessionToken ? ' (AWS_SESSION_TOKEN is not set)' : '';
  return new SecretsExtensionError(
    secretId,
    status,
    `the secrets extension answered ${status}${hint}: ${body.trim().slice(0, 200)}`,
  );
}

function secretStringOf(secretId: string, status: number, text: string): string {
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    throw new SecretsExtensionError(secretId, status, 'the secrets extension answered with no JSON');
  }
  const secret = (reply as { SecretString?: unknown } | null)?.SecretString;
  if (typeof secret !== 'string') {
    throw new SecretsExtensionError(secretId, status, 'the reply has no SecretString (a binary secret?)');
  }
  return secret;
}
