// The OpenAPI 3.1 document of API v1 (SPEC section 10), generated from the zod schemas the handlers
// validate with. Problem responses list only the statuses each route can really produce.
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { MAX_BODY_BYTES } from '#commons/http';
import { PROBLEM_CONTENT_TYPE } from '#commons/http-problem';
import { PERMISSIONS, rolesAllowed, type Operation } from '#domain/permissions';
import { currentApiAuthorization, type ApiAuthorizationMode } from '#commons/authorizer-context';
import {
  actionBody,
  auditVerdictView,
  complaintPage,
  complaintPath,
  complaintView,
  createHeaders,
  delegationHeaders,
  erasureBody,
  erasureOutcomeView,
  feedbackBody,
  health,
  personalDataRequestBody,
  personalDataView,
  suggestionBody,
  suggestionView,
  listQuery,
  problem,
  slaPreview,
  slaPreviewQuery,
  timeline,
  timelineQuery,
} from './schemas.ts';
import { newComplaintBody } from './intake-schemas.ts';
import { directoryView, orgUnitView } from './org-schemas.ts';
import { deliveriesPage, deliveriesQuery, deliveryPath, resendView } from './delivery-schemas.ts';
import {
  parcelVolumeBody,
  parcelVolumePath,
  parcelVolumeView,
  reportExportQuery,
  reportPath,
  reportView,
} from './report-schemas.ts';
import {
  incidentActionBody,
  incidentDeclaration,
  incidentList,
  incidentListQuery,
  incidentPath,
  incidentTimelineQuery,
  incidentTimelineView,
  incidentWithCounts,
} from './incident-schemas.ts';
import { orgUnitInput } from '#domain/organisation';
import {
  attachmentPath,
  attachmentView,
  evidenceUploadBody,
  linkTokenPath,
  publicComplaintView,
  publicFeedbackBody,
  publicHeaders,
  publicQuery,
  publicReplyBody,
  publicUploadBody,
  uploadView,
} from './public-schemas.ts';
import * as z from 'zod';

const PROBLEMS = {
  400: 'Invalid request: malformed JSON, an invalid or unknown field (see `errors`), or a malformed id.',
  404: 'No complaint with this id.',
  409: 'Conflict: the status does not allow the action, expectedVersion is stale, the stage moved, or the workflow is between stages (Retry-After: 1).',
  401: 'No bearer token, or one that is expired, malformed, from another issuer or app client, or badly signed.',
  403: "The caller's roles may not do this (see x-permissions), or it names an agent without the delegation scope.",
  413: `The body is larger than ${MAX_BODY_BYTES} bytes.`,
  410: 'The complaint is closed: its link still shows it but takes no new reply or rating.',
  415: 'The body is not application/json.',
  500: 'Unexpected failure; the response carries a requestId to quote.',
} as const;
type ProblemStatus = keyof typeof PROBLEMS;

function problems(statuses: ProblemStatus[], overrides: Partial<Record<ProblemStatus, string>> = {}) {
  return Object.fromEntries(
    statuses.map((status): [string, ResponseConfig] => [
      String(status),
      {
        description: overrides[status] ?? PROBLEMS[status],
        ...(status === 409 ? { headers: { 'Retry-After': retryAfterHeader } } : {}),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problem } },
      },
    ]),
  );
}

const retryAfterHeader = {
  description: 'Seconds to wait before retrying (only when the workflow is between stages).',
  schema: { type: 'integer' as const },
};

const json = <S>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const jsonBody = <S>(schema: S, description: string) => ({
  required: true,
  description,
  content: { 'application/json': { schema } },
});

const EXAMPLE_COMPLAINT = {
  id: '01JD5Q8W4ZK3V9B7N2M6R0T1XY',
  shortId: 'R0T1XY',
  status: 'received',
  closeReason: null,
  channel: 'hotline',
  category: 'delay',
  classification: { category: 'delay', confidence: 0.9, source: 'classifier' },
  priority: 'normal',
  description: '快递三天了还没到，物流信息不更新',
  escalationLevel: 0,
  regulatoryRisk: false,
  receivedAt: '2026-10-01T08:00:00.000Z',
  createdAt: '2026-10-01T08:00:01.000Z',
  updatedAt: '2026-10-01T08:00:02.000Z',
  version: 2,
  deadlines: {
    response: '2026-10-02T08:00:01.000Z',
    resolution: '2026-10-08T08:00:00.000Z',
    stage: '2026-10-02T08:00:01.000Z',
  },
  owner: null,
  firstResponder: null,
  trackingNumber: 'EA123456789CN',
  repeatOf: null,
  customer: { name: '张*', phone: '138****5678', locale: 'zh-CN', channels: ['sms'] },
  outletId: null,
  regionId: null,
  type: 'complaint',
  units: null,
  responsibility: null,
  unresolved: null,
  regulator: null,
  appeal: false,
  declaredValue: 200,
  postage: 12,
  insured: null,
  externalRef: null,
  resolution: null,
  claim: null,
  followUp: null,
  feedback: null,
  needsOperator: null,
  clockFacts: {
    firstResponseAt: null,
    handlingStartedAt: null,
    resolvedAt: null,
    closedAt: null,
    totalPausedMs: 0,
    pausedSince: null,
    clocks: {},
    breaches: [],
  },
  incident: null,
  allowedActions: ['accept', 'assign', 'close', 'note', 'reclassify', 'route'],
};

function buildRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();

  registry.registerPath({
    method: 'post',
    path: '/v1/complaints',
    operationId: 'createComplaint',
    summary: 'Register a complaint',
    request: {
      headers: createHeaders,
      body: jsonBody(newComplaintBody, 'The complaint as the customer made it.'),
    },
    responses: {
      201: {
        description:
          'Registered (or, for a retried Idempotency-Key with the same body, the complaint registered first).',
        headers: {
          Location: { description: 'URL of the complaint.', schema: { type: 'string' } },
          'Idempotent-Replayed': {
            description: '"true" when this answers a retry of an earlier request.',
            schema: { type: 'string', enum: ['true'] },
          },
        },
        content: { 'application/json': { schema: complaintView, example: EXAMPLE_COMPLAINT } },
      },
      ...problems([400, 409, 413, 415, 500], {
        400: 'Invalid body (see `errors`; receivedAt must be within the last 30 days) or Idempotency-Key header.',
        409: 'The Idempotency-Key was used before with a different body.',
      }),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/complaints',
    operationId: 'listComplaints',
    summary: 'List complaints, newest first, page by page',
    request: { query: listQuery },
    responses: {
      200: json(complaintPage, 'One page; pass nextCursor as cursor for the next one.'),
      ...problems([400, 500]),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/complaints/{id}',
    operationId: 'getComplaint',
    summary: 'Read a complaint',
    request: { params: complaintPath },
    responses: {
      200: {
        description: 'The complaint; personal data masked.',
        content: { 'application/json': { schema: complaintView, example: EXAMPLE_COMPLAINT } },
      },
      ...problems([400, 404, 500]),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/complaints/{id}/timeline',
    operationId: 'getTimeline',
    summary: "Read a complaint's timeline",
    request: { params: complaintPath, query: timelineQuery },
    responses: {
      200: json(
        timeline,
        'Every change, oldest first: when, what, who, from which status to which. One page; pass nextCursor as cursor for the next one.',
      ),
      ...problems([400, 404, 500]),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/complaints/{id}/audit',
    operationId: 'verifyAuditTrail',
    summary: "Verify a complaint's audit trail",
    description:
      "Reads every event of the complaint's audit trail and checks its hash chain against the head the " +
      'complaint keeps; names the first broken link (an event changed, removed, reordered or moved).',
    request: { params: complaintPath },
    responses: {
      200: json(auditVerdictView, 'The verdict: intact, or the first broken link.'),
      ...problems([400, 404, 500]),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/erasure-requests',
    operationId: 'requestErasure',
    summary: "Erase a customer's personal data (PIPL); supervisors and admins",
    description:
      'Anonymises every complaint of the customer found through the keyed phone hash (phone, name, free ' +
      'text in the description, notes, replies and the answer), revokes their link tokens and keeps facts, ' +
      'clocks and the audit trail with an `erased` event. Idempotent: a repeated request changes nothing ' +
      'and answers `changed: false`.',
    request: { body: jsonBody(erasureBody, 'The customer by phone, and the request reference.') },
    responses: {
      200: json(erasureOutcomeView, 'Which complaints were anonymised.'),
      ...problems([400, 403, 413, 415, 500]),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/complaints/{id}/actions',
    operationId: 'actOnComplaint',
    summary:
      'Apply an action (accept, assign, request-info, customer-reply, resolve, reopen, close, note, reclassify, route, regulator-reply, and the compensation claim steps)',
    description:
      'reclassify and route are `manage` operations (403 for roles without it); route checks outlet and region against the directory (the region follows the outlet). The compensation claim moves by offer-compensation and record-payment (`work`) and accept-compensation and decline-compensation (`customer-reply`), in the order offered, accepted or declined, paid (409 out of order); a close without closeReason is closed-by-staff (reviewed in review), never withdrawn.',
    request: {
      params: complaintPath,
      headers: delegationHeaders,
      body: jsonBody(actionBody, 'The action; `action` selects the fields.'),
    },
    responses: {
      200: json(complaintView, 'The complaint after the action.'),
      ...problems([400, 404, 409, 413, 415, 500], {
        409: 'Conflict: the status does not allow the action, expectedVersion is stale, the workflow is between stages (Retry-After: 1), or a per-complaint cap is reached (notes, review cycles, requests for information: `limit`, `max`).',
        413: `The body is larger than ${MAX_BODY_BYTES} bytes, or a note is longer than its cap.`,
      }),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/complaints/{id}/compensation/suggestion',
    operationId: 'suggestCompensation',
    summary: 'The remedy and amount the compensation rules suggest, with the rule and its legal basis',
    request: {
      params: complaintPath,
      body: jsonBody(
        suggestionBody,
        'Facts beyond the complaint: severity, share missing, proven loss, days late.',
      ),
    },
    responses: {
      200: json(suggestionView, 'The suggestion (amount null when no rule applies); nothing is written.'),
      ...problems([400, 404, 413, 415, 500]),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/complaints/{id}/personal-data',
    operationId: 'revealPersonalData',
    summary: "The customer's full phone number and name, for a stated reason (recorded in the timeline)",
    request: {
      params: complaintPath,
      body: jsonBody(personalDataRequestBody, 'The reason for reading the unmasked data.'),
    },
    responses: {
      200: json(personalDataView, 'Unmasked; the read is already in the timeline (personal-data-read).'),
      ...problems([400, 404, 413, 415, 500]),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/complaints/{id}/feedback',
    operationId: 'submitFeedback',
    summary: "Record the customer's rating (only while awaiting feedback)",
    request: { params: complaintPath, body: jsonBody(feedbackBody, 'Score 1-5 and an optional comment.') },
    responses: {
      200: json(complaintView, 'The complaint after the rating: closed (3-5) or in review (1-2).'),
      ...problems([400, 404, 409, 413, 415, 500], {
        409: 'The complaint is not awaiting feedback, or expectedVersion is stale.',
      }),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/org',
    operationId: 'getOrganisation',
    summary: 'The organisation directory: HQ, regions, outlets',
    description:
      'Alert recipients (staff contact details) are listed only to callers with the `directory` permission (admin).',
    responses: { 200: json(directoryView, 'Every unit, by kind, ordered by id.'), ...problems([500]) },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/incidents',
    operationId: 'declareIncident',
    summary: 'Declare a mass incident (突发事件)',
    description:
      'Cause, area (outlets and regions of the directory), categories (none: all) and time window; `escalateToHq` puts linked complaints at level 3.',
    request: { body: jsonBody(incidentDeclaration, 'The incident.') },
    responses: {
      201: json(incidentWithCounts, 'The incident as stored, with its (empty) counts.'),
      ...problems([400, 413, 415, 500]),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/incidents',
    operationId: 'listIncidents',
    summary: 'Mass incidents and the spike proposals (status=proposed)',
    request: { query: incidentListQuery },
    responses: { 200: json(incidentList, 'Newest declared first.'), ...problems([400, 500]) },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/incidents/detect',
    operationId: 'detectIncidents',
    summary: 'Run the spike detector now',
    description:
      'Stores a proposal for each category and unit above the configured rate (INCIDENT_SPIKE) that no incident covers.',
    responses: { 200: json(incidentList, 'The proposals this run stored.'), ...problems([500]) },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/incidents/{id}',
    operationId: 'getIncident',
    summary: 'A mass incident with its counts',
    request: { params: incidentPath },
    responses: {
      200: json(incidentWithCounts, 'The incident and its counts.'),
      ...problems([400, 404, 500], { 404: 'No incident with this id.' }),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/incidents/{id}/timeline',
    operationId: 'getIncidentTimeline',
    summary: "The incident's own timeline",
    request: { params: incidentPath, query: incidentTimelineQuery },
    responses: {
      200: json(incidentTimelineView, 'Oldest first, page by page.'),
      ...problems([400, 404, 500], { 404: 'No incident with this id.' }),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/incidents/{id}/actions',
    operationId: 'actOnIncident',
    summary: 'Confirm, dismiss, link, notify, resolve or close a mass incident',
    description:
      'link-matching, notify and resolve work in bounded batches: call again until `progress.done` (safe after a crash: each complaint is linked, told and resolved once).',
    request: { params: incidentPath, body: jsonBody(incidentActionBody, 'The action.') },
    responses: {
      200: json(incidentWithCounts, 'The incident, its counts and the batch progress.'),
      ...problems([400, 404, 409, 413, 415, 500], {
        404: 'No incident with this id.',
        409: "The incident's status does not allow the action, or a bulk resolution with another answer is under way.",
      }),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/org/units',
    operationId: 'putOrganisationUnit',
    summary: 'Add or change an outlet, a region or HQ (admin)',
    description:
      "Stores the unit and brings its alert recipients' staff topic subscriptions in step (filter on the alert's unit).",
    request: { body: jsonBody(orgUnitInput, 'The unit; `kind` selects the fields.') },
    responses: {
      200: json(orgUnitView, 'The unit as stored.'),
      ...problems([400, 409, 415, 500]),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/deliveries',
    operationId: 'listUndeliveredMessages',
    summary: 'Texts and alerts that were not delivered and wait for an operator',
    description:
      'Dead-lettered (retries ran out, or the provider rejected the message), uncertain (an attempt was cut off mid-send: it may have gone out) and stuck in sending (found by the reconciler). Supervisors and admins.',
    request: { query: deliveriesQuery },
    responses: {
      200: json(deliveriesPage, 'One page; pass nextCursor as cursor for the next one.'),
      ...problems([400, 500]),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/deliveries/{id}/{key}/resend',
    operationId: 'resendMessage',
    summary: 'Re-send a listed message, once',
    description:
      'Moves the message back to scheduled and starts a fresh delivery (quiet hours apply). Of two re-sends of the same failure one wins; the other, and any re-send of a message not listed, gets 409.',
    request: { params: deliveryPath },
    responses: {
      202: json(resendView, 'Re-sent: when it goes out.'),
      ...problems([400, 404, 409, 500]),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/reports/{granularity}/{period}',
    operationId: 'getReport',
    summary: "The operator's numbers for a day, an ISO week or a month",
    description:
      'Counts, resolution rate, satisfaction, repeat rate, first-response and handling time (p50, p90), SLA compliance per clock, escalations per level, regulatory risk, appeals, the responsibility split and complaints per million parcels: overall, per day and per category, type, outlet, region and channel (docs/spec.md section 8). Read from counters kept up to date as complaints change; `source.readRequests` says how many store requests it took.',
    request: { params: reportPath },
    responses: { 200: json(reportView, 'The report.'), ...problems([400, 500]) },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/reports/{granularity}/{period}/export',
    operationId: 'exportReport',
    summary: 'The report as CSV or as an XLSX workbook (one sheet per dimension)',
    request: { params: reportPath, query: reportExportQuery },
    responses: {
      200: {
        description: 'The file, as an attachment.',
        content: {
          'text/csv': { schema: { type: 'string' } },
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
            schema: { type: 'string', format: 'binary' },
          },
        },
      },
      ...problems([400, 500]),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/reports/{granularity}/{period}/page',
    operationId: 'getReportPage',
    summary: 'The report as a page with charts (zh-CN)',
    request: { params: reportPath },
    responses: {
      200: {
        description: 'A self-contained HTML page.',
        content: { 'text/html': { schema: { type: 'string' } } },
      },
      ...problems([400, 500]),
    },
  });

  registry.registerPath({
    method: 'put',
    path: '/v1/parcel-volumes/{outlet}/{month}',
    operationId: 'putParcelVolume',
    summary:
      'Parcels an outlet handled in a month (admin): the denominator of complaints per million parcels',
    request: { params: parcelVolumePath, body: jsonBody(parcelVolumeBody, 'The number of parcels.') },
    responses: {
      200: json(parcelVolumeView, "The volume as stored, with the outlet's region."),
      ...problems([400, 404, 415, 500]),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/sla/preview',
    operationId: 'previewSla',
    summary: 'When would a complaint received and accepted at `at` be due?',
    description:
      "Deadlines under the deployment's SLA policy and calendars (including China's public holidays and make-up working days); each stage deadline is capped by the resolution deadline.",
    request: { query: slaPreviewQuery },
    responses: {
      200: json(slaPreview, 'The calendar of the handling clock and the three deadlines, in UTC.'),
      ...problems([400, 500]),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/health',
    operationId: 'health',
    summary: 'Liveness',
    security: [],
    responses: { 200: json(health, 'The function answers.'), ...problems([500]) },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    security: [],
    responses: { 200: { description: 'The OpenAPI 3.1 document.', content: { 'application/json': {} } } },
  });

  registerCustomerLink(registry);
  registerAttachments(registry);
  return registry;
}

const LINK_NOT_FOUND = 'No complaint opens with this link: never issued, or not a link token at all.';

const PAGE_CONTENT = {
  'text/html': {
    schema: {
      type: 'string' as const,
      description:
        'For a client that ranks text/html above application/json (a browser): the view as a small page ' +
        'with the rating form, or a short error page in zh-CN and en, with the same status.',
    },
  },
};

/** The customer link routes answer a browser with pages: each response also comes as text/html. */
function alsoAsPage(responses: Record<string, ResponseConfig>): Record<string, ResponseConfig> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      response.content ? { ...response, content: { ...response.content, ...PAGE_CONTENT } } : response,
    ]),
  );
}

/** The customer's link: no authentication, the token in the path is the credential. */
function registerCustomerLink(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/{token}',
    operationId: 'followCustomerLink',
    summary: "The short link in the customer's text",
    description: 'Redirects to the public view of the complaint; the view answers 404 or 410 itself.',
    security: [],
    request: { params: linkTokenPath },
    responses: {
      302: {
        description: 'Found: the public view of the complaint.',
        headers: {
          Location: {
            description: 'Relative: `v1/public/complaints/{token}`, beside the short link.',
            schema: { type: 'string' },
          },
        },
      },
      ...alsoAsPage(problems([404, 500], { 404: LINK_NOT_FOUND })),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/v1/public/complaints/{token}',
    operationId: 'getPublicComplaint',
    summary: 'The customer’s view of their complaint, in plain words',
    description:
      'Status, what happens next, the deadline, the answer, the customer’s own photos and a timeline of the ' +
      "steps that concern the customer, in the customer's stored language (`lang` switches). No personal " +
      'data. A closed complaint keeps showing its outcome.',
    security: [],
    request: { params: linkTokenPath, query: publicQuery, headers: publicHeaders },
    responses: alsoAsPage({
      200: json(publicComplaintView, 'The complaint as its customer sees it.'),
      ...problems([404, 500], { 404: LINK_NOT_FOUND }),
    }),
  });

  registry.registerPath({
    method: 'head',
    path: '/v1/public/complaints/{token}',
    operationId: 'headPublicComplaint',
    summary: 'The view’s status and headers without a body (link previews)',
    security: [],
    request: { params: linkTokenPath, query: publicQuery, headers: publicHeaders },
    responses: {
      200: { description: 'The view exists; the headers are those of GET.' },
      404: { description: LINK_NOT_FOUND },
    },
  });

  registry.registerPath({
    method: 'head',
    path: '/{token}',
    operationId: 'headCustomerLink',
    summary: 'The short link’s redirect without a body (link previews)',
    security: [],
    request: { params: linkTokenPath },
    responses: {
      302: { description: 'Found: the public view of the complaint.' },
      404: { description: LINK_NOT_FOUND },
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/public/complaints/{token}/uploads',
    operationId: 'uploadPhotoThroughLink',
    summary: 'A presigned upload for one photo of the customer’s reply',
    description:
      'Only while the complaint waits for the customer. The photo goes straight to the attachments bucket; ' +
      'it counts once named in …/reply, where its content is checked.',
    security: [],
    request: { params: linkTokenPath, body: jsonBody(publicUploadBody, 'The photo’s type and size.') },
    responses: {
      201: json(uploadView, 'Where and how to upload the photo.'),
      ...problems([400, 404, 409, 410, 413, 415, 500], {
        400: 'An invalid body, or a type or size that could never be accepted (see `errors`).',
        404: LINK_NOT_FOUND,
        409: 'The complaint is not waiting for the customer, or holds its maximum of attachments.',
      }),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/public/complaints/{token}/reply',
    operationId: 'replyThroughLink',
    summary: 'The customer answers an information request (text and photos)',
    description:
      'Recorded as the customer’s `customer-reply`: the complaint goes back to investigating. Each photo ' +
      'named must have been uploaded through …/uploads and is accepted only if its content is an allowed ' +
      'image of the declared type (otherwise deleted, 400). Sending the same reply again answers like the first.',
    security: [],
    request: {
      params: linkTokenPath,
      query: publicQuery,
      headers: publicHeaders,
      body: {
        required: true,
        description: "The reply, as JSON or as the page's form sends it (application/x-www-form-urlencoded).",
        content: {
          'application/json': { schema: publicReplyBody },
          'application/x-www-form-urlencoded': { schema: publicReplyBody },
        },
      },
    },
    responses: alsoAsPage({
      200: json(publicComplaintView, 'The complaint after the reply (investigating).'),
      ...problems([400, 404, 409, 410, 413, 415, 500], {
        400: 'Invalid body, or a photo refused by its content (see `errors`).',
        404: LINK_NOT_FOUND,
        409: 'The complaint is not waiting for the customer.',
        415: 'The body is neither application/json nor application/x-www-form-urlencoded.',
      }),
    }),
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/public/complaints/{token}/feedback',
    operationId: 'rateThroughLink',
    summary: 'The customer rates the answer (only while awaiting a rating)',
    description:
      '4-5 closes the complaint as satisfied, 3 as neutral (not counted as satisfied); 1-2 opens a review by a supervisor.',
    security: [],
    request: {
      params: linkTokenPath,
      headers: publicHeaders,
      body: {
        required: true,
        description:
          "Score 1-5 and an optional comment, as JSON or as the page's plain HTML form sends them " +
          '(application/x-www-form-urlencoded: the score in digits; an empty comment is none).',
        content: {
          'application/json': { schema: publicFeedbackBody },
          'application/x-www-form-urlencoded': { schema: publicFeedbackBody },
        },
      },
    },
    responses: alsoAsPage({
      200: json(publicComplaintView, 'The complaint after the rating: closed (3-5) or in review (1-2).'),
      ...problems([400, 404, 409, 410, 413, 415, 500], {
        400: 'Invalid body (see `errors`).',
        404: LINK_NOT_FOUND,
        409: 'The complaint is not awaiting a rating (already answered by a rating, or not answered yet).',
        415: 'The body is neither application/json nor application/x-www-form-urlencoded.',
      }),
    }),
  });
}

/** Staff evidence: presigned upload, acceptance after the content check, signed reads. */
function registerAttachments(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/complaints/{id}/attachments',
    operationId: 'requestEvidenceUpload',
    summary: 'A presigned upload for a piece of evidence (photo or PDF)',
    request: { params: complaintPath, body: jsonBody(evidenceUploadBody, 'The file’s type and size.') },
    responses: {
      201: json(uploadView, 'Where and how to upload the file.'),
      ...problems([400, 404, 409, 413, 415, 500], {
        409: 'The complaint holds its maximum of attachments.',
      }),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/complaints/{id}/attachments/{attachmentId}',
    operationId: 'attachEvidence',
    summary: 'Accept uploaded evidence onto the complaint (checked by content)',
    description:
      'The stored file must be the declared, allowed type (recognised from its bytes) and within the size ' +
      'limit; otherwise it is deleted and refused (400). Recorded once on the timeline (`evidence-attached`).',
    request: { params: attachmentPath },
    responses: {
      200: json(attachmentView, 'The attachment, with a signed URL valid for a few minutes.'),
      ...problems([400, 404, 500], { 400: 'No such upload, nothing uploaded, or refused by its content.' }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/complaints/{id}/attachments',
    operationId: 'listAttachments',
    summary: 'The complaint’s attachments, each with a short-lived signed URL',
    request: { params: complaintPath },
    responses: {
      200: json(z.object({ items: z.array(attachmentView) }), 'Accepted attachments, oldest first.'),
      ...problems([400, 404, 500]),
    },
  });
}

const METHOD_NOT_ALLOWED =
  'The path exists but does not serve this method (answered by the gateway): `Allow` lists the methods it ' +
  'does. The embedded stack answers 405; API Gateway cannot tell a method from a path it does not serve and ' +
  'answers both with the 404 problem.';

/**
 * What the gateway answers before any function runs: a method the path does not serve is a 405 problem
 * with `Allow`, on every path (an unknown path is a 404 problem, described in `info`).
 */
function documentGatewayAnswers(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      op.responses = {
        ...op.responses,
        405: {
          description: METHOD_NOT_ALLOWED,
          headers: {
            Allow: { description: 'The methods this path serves, e.g. `GET`.', schema: { type: 'string' } },
          },
          content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      };
    }
  }
  return document;
}

/** Which rows of the permission table each authenticated operation performs. */
const OPERATION_PERMISSIONS: Readonly<Record<string, readonly Operation[]>> = {
  createComplaint: ['register'],
  listComplaints: ['read'],
  getComplaint: ['read'],
  getTimeline: ['read'],
  verifyAuditTrail: ['read'],
  requestErasure: ['erasure'],
  previewSla: ['read'],
  actOnComplaint: ['work', 'customer-reply', 'manage'],
  submitFeedback: ['feedback'],
  revealPersonalData: ['unmask'],
  getOrganisation: ['read', 'directory'],
  putOrganisationUnit: ['directory'],
  suggestCompensation: ['work'],
  requestEvidenceUpload: ['work'],
  attachEvidence: ['work'],
  listAttachments: ['read'],
  listUndeliveredMessages: ['deliveries'],
  resendMessage: ['deliveries'],
  getReport: ['reports'],
  exportReport: ['reports'],
  getReportPage: ['reports'],
  putParcelVolume: ['directory'],
  declareIncident: ['incidents'],
  listIncidents: ['incidents'],
  detectIncidents: ['incidents'],
  getIncident: ['incidents'],
  getIncidentTimeline: ['incidents'],
  actOnIncident: ['incidents'],
};

const BEARER = 'bearer';
const SIGV4 = 'sigv4';

/** How the deployment authenticates callers (functions/commons/authorizer-context.ts), as the document says it. */
const SECURITY_SCHEMES = {
  jwt: {
    name: BEARER,
    refusals: [401, 403] as const,
    scheme: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        "An access token of the deployment's Amazon Cognito user pool: a staff user's (groups agent, " +
        "supervisor, auditor, admin) or an upstream system's (client credentials, scopes " +
        'complaints/intake and complaints/act-for-agent). The embedded stack issues its own: ' +
        '`npm run complaints -- token --role <role> --user <id>`.',
    },
  },
  iam: {
    name: SIGV4,
    // API Gateway answers an unsigned or badly signed request 403 itself: there is no 401.
    refusals: [403] as const,
    scheme: {
      type: 'apiKey',
      name: 'Authorization',
      in: 'header',
      description:
        'AWS Signature Version 4 for the service execute-api, by an IAM role or user the deployment maps ' +
        'to an id and roles (CDK context iamPrincipals). Unsigned, badly signed or not allowed to invoke: ' +
        "API Gateway's 403; a caller the mapping does not know has no role (403).",
      'x-amazon-apigateway-authtype': 'awsSigv4',
    },
  },
} as const;

/** `{ operation: { role: grant } }` for the roles that may, in some case. */
const permissionsOf = (operations: readonly Operation[]) =>
  Object.fromEntries(
    operations.map((operation) => [
      operation,
      Object.fromEntries(rolesAllowed(operation).map((role) => [role, PERMISSIONS[operation].grants[role]])),
    ]),
  );

/**
 * Every operation without `security: []` needs the bearer token: it gets the scheme, the roles the
 * permission table lets through (`x-permissions`) and its 401 and 403 answers. An operation missing from
 * OPERATION_PERMISSIONS fails here, so a new route cannot go undocumented.
 */
function secure(document: OpenAPIObject, mode: ApiAuthorizationMode): OpenAPIObject {
  const security = SECURITY_SCHEMES[mode];
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op || (op.security && op.security.length === 0)) continue;
      const operations = OPERATION_PERMISSIONS[op.operationId ?? ''];
      if (!operations) throw new Error(`operation ${op.operationId} has no entry in OPERATION_PERMISSIONS`);
      op.security = [{ [security.name]: [] }];
      op['x-permissions'] = permissionsOf(operations);
      op.responses = {
        ...op.responses,
        ...Object.fromEntries(
          security.refusals.map((status) => [
            String(status),
            {
              description: PROBLEMS[status],
              content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
            },
          ]),
        ),
      };
    }
  }
  document.components = {
    ...document.components,
    securitySchemes: { [security.name]: security.scheme },
  };
  return document;
}

const documents = new Map<ApiAuthorizationMode, OpenAPIObject>();

/** The document of the deployment's authorization mode (API_AUTHORIZATION; bearer tokens by default). */
export function openApiDocument(mode: ApiAuthorizationMode = currentApiAuthorization().mode): OpenAPIObject {
  let document = documents.get(mode);
  if (document) return document;
  document = documentGatewayAnswers(
    secure(
      new OpenApiGeneratorV31(buildRegistry().definitions).generateDocument({
        openapi: '3.1.0',
        // Relative to where the document is served (<base>/v1/openapi.json): the stage URL on AWS,
        // http://127.0.0.1:PORT with npm start. One document for every deployment.
        servers: [
          {
            url: '..',
            description:
              'The deployment serving this document: its base URL is the one above /v1/openapi.json.',
          },
        ],
        info: {
          title: 'Complaints API',
          version: '1.0.0',
          license: {
            name: 'Proprietary: licensed to the operator running this deployment',
            identifier: 'LicenseRef-Proprietary',
          },
          description:
            'Complaint handling for postal and express operators. Errors are RFC 9457 problem details ' +
            '(application/problem+json) with an `errors` array of `{ path, message }` for invalid fields. ' +
            'Every operation but health, this document and the customer link needs an authenticated caller ' +
            '(securitySchemes: a bearer token, or SigV4 where the deployment chose IAM); ' +
            '`x-permissions` lists, per operation of the permission table, the roles that may perform it: ' +
            '`own` only on complaints the caller registered, `delegated` only for an agent named in ' +
            "X-On-Behalf-Of, `for-customer` recorded as the customer's. A path the API does not serve is " +
            'a 404 problem (`urn:complaints:problem:not-found`), a method a path does not serve a 405 problem ' +
            'with `Allow`, both answered by the gateway.',
        },
      }),
      mode,
    ),
  );
  documents.set(mode, document);
  return document;
}
