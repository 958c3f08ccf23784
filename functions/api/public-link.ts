// What the public link routes share: the problems a link answers with, the language of the answer, and the
// view as JSON. The link token is the caller's only credential, so it never goes into a log line here.
import { customerView } from '#domain/customer-view';
import type { Complaint, Locale } from '#domain/complaint';
import { HttpProblem } from '#commons/http';
import type { LinkLookup, LinkRating } from '#use-cases/customer-link';
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
    detail: 'the complaint is closed, so its link no longer opens it',
  });

/** The complaint a lookup found, or the problem that answers it (404 never issued, 410 closed). */
export function openedComplaint(found: LinkLookup | LinkRating): Complaint {
  if (found.kind === 'unknown') throw linkNotFound();
  if (found.kind === 'closed') throw linkExpired();
  return found.complaint;
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
export function presentPublicComplaint(c: Complaint, locale: Locale, now: Date): PublicComplaintView {
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
    timeline: view.timeline.map((entry) => ({ at: entry.at, text: maskPhonesIn(entry.text) })),
  };
}
