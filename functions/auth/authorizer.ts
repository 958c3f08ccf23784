// The API's Lambda authorizer (TOKEN type): verifies the bearer token with aws-jwt-verify against the
// configured issuer's JWKS and hands the principal to the handlers as `requestContext.authorizer`
// (functions/commons/authorizer-context.ts). Deployed in front of API Gateway, and called by the local
// gateway for the same routes with the same event: configuration alone says which issuer to trust.
//
// A token that is missing, malformed, expired, not yet valid, from another issuer, for another app
// client, signed with an unknown key or with `alg: none` ends in "Unauthorized", which API Gateway turns
// into a 401. Which roles may do what is the handlers' business (functions/domain/permissions.ts).
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import { authorizerContextOf } from '#commons/authorizer-context';
import { logger } from '#commons/powertools';
import { principalFromClaims, tokenPolicyFromEnv, type TokenPolicy } from './token-claims.ts';

/** The exact message API Gateway maps to 401 (anything else is a 500). */
export const UNAUTHORIZED = 'Unauthorized';

const JWKS_TIMEOUT_MS = 3_000;

/** JWKS over the platform's fetch, so an issuer on http://127.0.0.1 and one on https:// read alike. */
const platformFetcher: Fetcher = {
  fetch: async (uri) => {
    const response = await fetch(uri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`JWKS ${uri} answered ${response.status}`);
    return response.arrayBuffer();
  },
};

interface Verification {
  policy: TokenPolicy;
  /** The configuration it was built from: the verifier (and its JWKS cache) lives as long as that holds. */
  builtFrom: string;
  verify(token: string): Promise<unknown>;
}

let verification: Verification | undefined;

function currentVerification(): Verification {
  const policy = tokenPolicyFromEnv(process.env);
  const builtFrom = JSON.stringify(policy);
  if (verification?.builtFrom === builtFrom) return verification;
  const verifier = JwtVerifier.create(
    {
      issuer: policy.issuer,
      jwksUri: policy.jwksUri,
      // Access tokens name their app client in client_id, not aud: principalFromClaims checks it.
      audience: null,
    },
    { jwksCache: new SimpleJwksCache({ fetcher: platformFetcher }) },
  );
  verification = { policy, builtFrom, verify: (token) => verifier.verify(token) };
  return verification;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/i;

export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const { policy, verify } = currentVerification();
  const token = BEARER.exec(event.authorizationToken?.trim() ?? '')?.[1];
  if (token === undefined) throw new Error(UNAUTHORIZED);
  let principal;
  try {
    principal = principalFromClaims(await verify(token), policy);
  } catch (error) {
    // The reason helps an operator; the token itself never goes to the logs.
    logger.info('token refused', { reason: error instanceof Error ? error.name : 'unknown' });
    throw new Error(UNAUTHORIZED, { cause: error });
  }
  return {
    principalId: principal.id,
    // One policy for the whole API: the result is cached per token and reused across routes.
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: apiWideArn(event.methodArn) }],
    },
    context: authorizerContextOf(principal),
  };
}

/** arn:aws:execute-api:region:account:api/stage/METHOD/path -> arn:aws:execute-api:region:account:api/stage/* */
export function apiWideArn(methodArn: string): string {
  const [prefix = methodArn, path = ''] = methodArn.split(/:(?=[^:]*$)/);
  const [apiId, stage] = path.split('/');
  return apiId && stage ? `${prefix}:${apiId}/${stage}/*` : methodArn;
}
