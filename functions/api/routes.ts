// The API's routes in one list: the local gateway serves them and the CDK stack deploys one function
// per entry, so both always expose the same API.
export interface ApiRoute {
  method: 'GET' | 'POST';
  /** API Gateway resource template, e.g. /v1/complaints/{id}/actions. */
  resource: string;
  /** Handler module (exports `handler`), relative to the repository root. */
  entry: string;
  functionName: string;
  /**
   * Open without a bearer token (SPEC section 9: health, the API description, the customer's link). Every
   * other route runs the authorizer first (API Gateway on AWS, the local gateway here) and its handler
   * refuses a request without the authorizer's context.
   */
  public?: true;
}

export const API_ROUTES = [
  {
    method: 'POST',
    resource: '/v1/complaints',
    entry: 'functions/api/create-complaint.ts',
    functionName: 'create-complaint',
  },
  {
    method: 'GET',
    resource: '/v1/complaints',
    entry: 'functions/api/list-complaints.ts',
    functionName: 'list-complaints',
  },
  {
    method: 'GET',
    resource: '/v1/complaints/{id}',
    entry: 'functions/api/get-complaint.ts',
    functionName: 'get-complaint',
  },
  {
    method: 'GET',
    resource: '/v1/complaints/{id}/timeline',
    entry: 'functions/api/get-timeline.ts',
    functionName: 'get-timeline',
  },
  {
    method: 'GET',
    resource: '/v1/complaints/{id}/audit',
    entry: 'functions/api/get-audit.ts',
    functionName: 'get-audit',
  },
  {
    method: 'POST',
    resource: '/v1/erasure-requests',
    entry: 'functions/api/post-erasure-request.ts',
    functionName: 'post-erasure-request',
  },
  {
    method: 'POST',
    resource: '/v1/complaints/{id}/actions',
    entry: 'functions/api/post-action.ts',
    functionName: 'post-action',
  },
  {
    method: 'POST',
    resource: '/v1/complaints/{id}/personal-data',
    entry: 'functions/api/reveal-personal-data.ts',
    functionName: 'reveal-personal-data',
  },
  {
    method: 'POST',
    resource: '/v1/complaints/{id}/feedback',
    entry: 'functions/api/post-feedback.ts',
    functionName: 'post-feedback',
  },
  { method: 'GET', resource: '/v1/org', entry: 'functions/api/get-org.ts', functionName: 'get-org' },
  {
    method: 'POST',
    resource: '/v1/org/units',
    entry: 'functions/api/put-org-unit.ts',
    functionName: 'put-org-unit',
  },
  {
    method: 'POST',
    resource: '/v1/incidents',
    entry: 'functions/api/post-incident.ts',
    functionName: 'post-incident',
  },
  {
    method: 'GET',
    resource: '/v1/incidents',
    entry: 'functions/api/list-incidents.ts',
    functionName: 'list-incidents',
  },
  {
    method: 'POST',
    resource: '/v1/incidents/detect',
    entry: 'functions/api/detect-incidents.ts',
    functionName: 'detect-incidents',
  },
  {
    method: 'GET',
    resource: '/v1/incidents/{id}',
    entry: 'functions/api/get-incident.ts',
    functionName: 'get-incident',
  },
  {
    method: 'GET',
    resource: '/v1/incidents/{id}/timeline',
    entry: 'functions/api/get-incident-timeline.ts',
    functionName: 'get-incident-timeline',
  },
  {
    method: 'POST',
    resource: '/v1/incidents/{id}/actions',
    entry: 'functions/api/post-incident-action.ts',
    functionName: 'post-incident-action',
  },
  {
    method: 'GET',
    resource: '/v1/sla/preview',
    entry: 'functions/api/sla-preview.ts',
    functionName: 'sla-preview',
  },
  {
    method: 'GET',
    resource: '/v1/health',
    entry: 'functions/api/health.ts',
    functionName: 'health',
    public: true,
  },
  {
    method: 'GET',
    resource: '/v1/openapi.json',
    entry: 'functions/api/openapi.ts',
    functionName: 'openapi',
    public: true,
  },
  // The customer's link (no authentication: the token is the credential). `/{token}` sits at the root so the
  // link in a text stays short; literal segments win over it, so it shadows no other route.
  {
    method: 'GET',
    resource: '/{token}',
    entry: 'functions/api/follow-link.ts',
    functionName: 'follow-link',
    public: true,
  },
  {
    method: 'GET',
    resource: '/v1/public/complaints/{token}',
    entry: 'functions/api/get-public-complaint.ts',
    functionName: 'get-public-complaint',
    public: true,
  },
  {
    method: 'POST',
    resource: '/v1/public/complaints/{token}/feedback',
    entry: 'functions/api/post-public-feedback.ts',
    functionName: 'post-public-feedback',
    public: true,
  },
] as const satisfies readonly ApiRoute[];
