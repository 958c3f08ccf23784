// What the public link routes share: the problems a link answers with, the language of the answer, and the
// view as JSON. The link token is the caller's only credential, so it never goes into a log line here.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { customerView } from '#domain/customer-view';
import { LOCALES, type Complaint, type Locale } from '#domain/complaint';
import { attachmentViews, type AttachmentDeps } from '#use-cases/attachments';
import { HttpProblem } from '#commons/http';
import type { LinkLookup, LinkRating, LinkReply } from '#use-cases/customer-link';
import { maskPhonesIn } from './presenters.ts';
import type { PublicComplaintView } from './public-schemas.ts';

export const linkNotFound = (): HttpProblem =>
  new HttpProblem({
    status: 404,
    code: 'link-not-found',
    title: 'Link not found',
    detail: 'this link does not open any complaint; check that it was copied whole',
  });

export const linkExpired = (): HttpProblem =>
  new HttpProblem({
    status: 410,
    code: 'link-expired',
    title: 'Link expired',
    detail: 'the complaint is closed: its link still shows it, but takes no new reply or rating',
  });

/** The complaint a lookup found, or the problem that answers it (404 never issued, 410 closed to input). */
export function openedComplaint(found: LinkLookup | LinkRating | LinkReply): Complaint {
  if (found.kind === 'unknown') throw linkNotFound();
  if (found.kind === 'closed') throw linkExpired();
  return found.complaint;
}

/** The page's language: the switch's choice (`?lang=`), else the customer's stored language. */
export function viewLocale(chosen: Locale | undefined, customerLocale: Locale): Locale {
  return chosen ?? customerLocale;
}

/**
 * The language to answer in: the first supported one the Accept-Language header ranks highest
 * (any zh-* reads as zh-CN, any en-* as en), else the customer's own.
 */
export function answerLocale(acceptLanguage: string | undefined, customerLocale: Locale): Locale {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...parameters] = part.trim().toLowerCase().split(';');
      const q = parameters.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), order };
    })
    .filter((choice) => choice.tag !== '' && choice.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranked) {
    if (tag === '*') return customerLocale;
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return customerLocale;
}

/** The customer's view as JSON: every free text staff wrote has phone numbers masked. */
export function presentPublicComplaint(
  c: Complaint,
  locale: Locale,
  now: Date,
  photos: PublicComplaintView['photos'] = [],
): PublicComplaintView {
  const view = customerView(c, locale, now);
  return {
    complaintNumber: view.complaintNumber,
    locale: view.locale,
    about: view.about,
    status: view.status,
    statusText: view.statusText,
    nextStep: view.nextStep,
    deadline: view.deadline ?? null,
    answer: view.answer
      ? {
          text: maskPhonesIn(view.answer.text),
          at: view.answer.at,
          compensation: view.answer.compensation ?? null,
        }
      : null,
    canRate: view.canRate,
    rating: view.rating ?? null,
    infoRequest: view.infoRequest
      ? { text: maskPhonesIn(view.infoRequest.text), at: view.infoRequest.at }
      : null,
    canReply: c.status === 'pending-customer',
    photos,
    timeline: view.timeline.map((entry) => ({ at: entry.at, text: maskPhonesIn(entry.text) })),
  };
}

/** The language the page's switch chose, as the query carries it (the route validated it). */
export function langOf(event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>): Locale | undefined {
  const lang = event.queryStringParameters?.lang;
  return LOCALES.find((l) => l === lang);
}

/** The customer's own accepted photos, as signed URLs valid for a few minutes. */
export async function customerPhotos(
  deps: Pick<AttachmentDeps, 'files' | 'attachments' | 'clock'>,
  c: Complaint,
): Promise<PublicComplaintView['photos']> {
  const photos = await attachmentViews(deps, c.id, 'customer');
  return photos.map((p) => ({ url: p.url, at: p.at }));
}

/**
 * The 200 answer of every link route: the complaint as the customer sees it, in the switch's language or
 * their stored one, with the photos they sent.
 */
export async function customerViewAnswer(
  deps: Pick<AttachmentDeps, 'files' | 'attachments' | 'clock'>,
  complaint: Complaint,
  chosen: Locale | undefined,
): Promise<{ statusCode: 200; headers: Record<string, string>; body: PublicComplaintView }> {
  const locale = viewLocale(chosen, complaint.customer.locale);
  return {
    statusCode: 200,
    headers: { 'Content-Language': locale },
    body: presentPublicComplaint(complaint, locale, deps.clock.now(), await customerPhotos(deps, complaint)),
  };
}
