// The customer's link routes for a phone's browser. Wraps a route's whole middy chain, so validation,
// problems, logs and metrics stay exactly the JSON route's: a browser's form is read as the JSON body the
// route validates, and for a client preferring text/html the JSON answer is rendered as a page (the view)
// or as a bilingual error page with the same status. Every other client gets the JSON answer as it was,
// with `Vary: Accept` added now that the representation depends on it.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { headerOf, MAX_BODY_BYTES } from '#commons/http';
import { isLinkTokenFormat } from '#domain/link-token';
import { prefersHtml } from './content-negotiation.ts';
import { pageResult, problemPage, type Page } from './customer-page.ts';
import type { ProblemPageKind } from './customer-page-texts.ts';
import type { Html } from './html.ts';
import { answerLocale } from './public-link.ts';
import type { PublicComplaintView } from './public-schemas.ts';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

export interface BrowserPages {
  /** The page for a 200 answer (a PublicComplaintView); without it a 200 stays as the route made it. */
  viewPage?: (
    view: PublicComplaintView,
    token: string,
    event: APIGatewayProxyEvent,
  ) => Promise<Page> | Page | Html;
  /** Reads a form-encoded body as the JSON body the route validates; without it such a body gets 415. */
  readForm?: (form: URLSearchParams) => Record<string, unknown>;
  /** The complaint view's address relative to this route, for error pages' way back. */
  viewFromHere?: (token: string) => string;
  /** The pages for a refused body (400) and a refused state (409 without Retry-After); default: a rating's. */
  refusals?: { invalid: ProblemPageKind; refused: ProblemPageKind };
}

export function servingBrowsers(route: ProxyHandler, pages: BrowserPages = {}): ProxyHandler {
  return async (event, context) => {
    const answer = await route(pages.readForm ? formAsJson(event, pages.readForm) : event, context);
    const negotiated = { ...answer, headers: withVary(answer.headers ?? {}, 'Accept') };
    const result = prefersHtml(headerOf(event, 'accept'))
      ? await asPage(negotiated, event, pages)
      : negotiated;
    // HEAD (link previews): the GET's status and headers, no body.
    return event.httpMethod === 'HEAD' ? { ...result, body: '' } : result;
  };
}

function mediaTypeOf(event: APIGatewayProxyEvent): string | undefined {
  return headerOf(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
}

/** A form-encoded body as the JSON body the route's chain parses and validates; other bodies pass as sent. */
export function formAsJson(
  event: APIGatewayProxyEvent,
  readForm: (form: URLSearchParams) => Record<string, unknown>,
): APIGatewayProxyEvent {
  if (mediaTypeOf(event) !== FORM_MEDIA_TYPE) return event;
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  // Empty or oversized bodies go on as sent: the chain answers 400 or 413 before it looks at the media type.
  if (raw.byteLength === 0 || raw.byteLength > MAX_BODY_BYTES) return event;
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-type'),
  );
  return {
    ...event,
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(readForm(new URLSearchParams(raw.toString('utf8')))),
    isBase64Encoded: false,
  };
}

function withVary(headers: NonNullable<APIGatewayProxyResult['headers']>, name: string) {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'vary') ?? 'Vary';
  const current = headers[key];
  return { ...headers, [key]: current === undefined ? name : `${name}, ${String(current)}` };
}

/** The public link routes answer each problem status for one reason only, so the status names the page. */
function problemKind(answer: APIGatewayProxyResult, pages: BrowserPages): ProblemPageKind {
  const status = answer.statusCode;
  const refusals = pages.refusals ?? { invalid: 'rating-invalid', refused: 'rating-refused' };
  if (status === 404) return 'link-not-found';
  if (status === 410) return 'link-expired';
  if (status === 400) return refusals.invalid;
  if (status === 409) return 'retry-after' in keptHeaders(answer) ? 'try-again-soon' : refusals.refused;
  return status < 500 ? 'unreadable' : 'failed';
}

/** Headers of the JSON answer a page keeps: its language, what it varies on, when to retry. */
function keptHeaders(answer: APIGatewayProxyResult): Record<string, string> {
  const kept = Object.entries(answer.headers ?? {}).filter(([name]) =>
    ['content-language', 'vary', 'retry-after'].includes(name.toLowerCase()),
  );
  return Object.fromEntries(kept.map(([name, value]) => [name.toLowerCase(), String(value)]));
}

async function asPage(answer: APIGatewayProxyResult, event: APIGatewayProxyEvent, pages: BrowserPages) {
  const token = event.pathParameters?.token ?? '';
  if (answer.statusCode === 200 && pages.viewPage) {
    const view = JSON.parse(answer.body) as PublicComplaintView;
    return pageResult(200, await pages.viewPage(view, token, event), keptHeaders(answer));
  }
  if (answer.statusCode < 400) return answer;
  const kind = problemKind(answer, pages);
  const wayBack = [
    'rating-invalid',
    'rating-refused',
    'reply-invalid',
    'reply-refused',
    'try-again-soon',
    'unreadable',
  ].includes(kind);
  const page = problemPage(kind, {
    locale: answerLocale(headerOf(event, 'accept-language'), 'zh-CN'),
    ...(wayBack && pages.viewFromHere && isLinkTokenFormat(token)
      ? { backTo: pages.viewFromHere(token) }
      : {}),
  });
  return pageResult(answer.statusCode, page, keptHeaders(answer));
}
