// The API's routes in one list: the local gateway serves them and the CDK stack deploys one function
// per entry, so both always expose the same API.
export interface ApiRoute {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT';
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
    resource: '/v1/complaints/{id}/compensation/suggestion',
    entry: 'functions/api/post-compensation-suggestion.ts',
    functionName: 'post-compensation-suggestion',
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
    resource: '/v1/reports/{granularity}/{period}',
    entry: 'functions/api/get-report.ts',
    functionName: 'get-report',
  },
  {
    method: 'GET',
    resource: '/v1/reports/{granularity}/{period}/export',
    entry: 'functions/api/export-report.ts',
    functionName: 'export-report',
  },
  {
    method: 'GET',
    resource: '/v1/reports/{granularity}/{period}/page',
    entry: 'functions/api/report-page.ts',
    functionName: 'report-page',
  },
  {
    method: 'PUT',
    resource: '/v1/parcel-volumes/{outlet}/{month}',
    entry: 'functions/api/put-parcel-volume.ts',
    functionName: 'put-parcel-volume',
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
  // Link previews (a messaging app unfurling the link) ask with HEAD: the GET's status and headers, no body.
  {
    method: 'HEAD',
    resource: '/{token}',
    entry: 'functions/api/follow-link.ts',
    functionName: 'follow-link',
    public: true,
  },
  {
    method: 'HEAD',
    resource: '/v1/public/complaints/{token}',
    entry: 'functions/api/get-public-complaint.ts',
    functionName: 'get-public-complaint',
    public: true,
  },
  // The customer's reply to an information request, with photos uploaded straight to the bucket first.
  {
    method: 'POST',
    resource: '/v1/public/complaints/{token}/reply',
    entry: 'functions/api/post-public-reply.ts',
    functionName: 'post-public-reply',
    public: true,
  },
  {
    method: 'POST',
    resource: '/v1/public/complaints/{token}/uploads',
    entry: 'functions/api/post-public-upload.ts',
    functionName: 'post-public-upload',
    public: true,
  },
  // Staff evidence: a presigned upload, then acceptance after the content check; reads by signed URL.
  {
    method: 'POST',
    resource: '/v1/complaints/{id}/attachments',
    entry: 'functions/api/post-attachment-upload.ts',
    functionName: 'post-attachment-upload',
  },
  {
    method: 'POST',
    resource: '/v1/complaints/{id}/attachments/{attachmentId}',
    entry: 'functions/api/post-attachment.ts',
    functionName: 'post-attachment',
  },
  {
    method: 'GET',
    resource: '/v1/complaints/{id}/attachments',
    entry: 'functions/api/get-attachments.ts',
    functionName: 'get-attachments',
  },
  // Undelivered texts and alerts, for an operator (docs/spec.md, "Undelivered texts").
  {
    method: 'GET',
    resource: '/v1/deliveries',
    entry: 'functions/api/list-deliveries.ts',
    functionName: 'list-deliveries',
  },
  {
    method: 'POST',
    resource: '/v1/deliveries/{id}/{key}/resend',
    entry: 'functions/api/resend-delivery.ts',
    functionName: 'resend-delivery',
  },
] as const satisfies readonly ApiRoute[];
