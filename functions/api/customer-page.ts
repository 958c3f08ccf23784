// The customer's view as a small HTML page for a phone's browser: the same plain words the JSON carries,
// and, while the answer awaits a rating, a plain form (no JavaScript) that posts the score. Every value
// goes through the escaping `markup` template; the only style is inline and allowed by its hash in the CSP.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Locale } from '#domain/complaint';
import { CUSTOMER_EVENT_TEXT } from '#domain/customer-view-texts';
import { formatAmount, formatShanghaiTime, render } from '#domain/notifications/templates';
import {
  BACK_TO_COMPLAINT,
  PAGE_WORDS,
  PROBLEM_WORDS,
  type PageWords,
  type ProblemPageKind,
} from './customer-page-texts.ts';
import { markup, rawHtml, type Html } from './html.ts';
import { MAX_FEEDBACK_COMMENT, type PublicComplaintView } from './public-schemas.ts';

const STYLE = [
  ':root{color-scheme:light dark;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif}',
  'body{margin:0 auto;max-width:36rem;padding:1rem}',
  'h1{font-size:1.4rem;margin:0 0 1rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}',
  'dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem;margin:0}dt{opacity:.7}dd{margin:0}',
  '.text{white-space:pre-line;overflow-wrap:anywhere}.small{font-size:.85rem;opacity:.7}',
  '.thanks{padding:.75rem 1rem;border-radius:.5rem;background:#2a7d4f;color:#fff}',
  'ol{padding-left:1.2rem}li{margin:.3rem 0}time{font-variant-numeric:tabular-nums;margin-right:.5rem}',
  'fieldset{border:0;margin:0;padding:0}legend{font-weight:600;margin-bottom:.5rem}',
  '.score{display:block;padding:.6rem .8rem;margin:.4rem 0;border:1px solid #8888;border-radius:.5rem}',
  '.score input{margin-right:.6rem}textarea{box-sizing:border-box;width:100%;font:inherit;margin:.3rem 0 1rem}',
  'button{width:100%;padding:.8rem;font:inherit;font-weight:600;border:0;border-radius:.5rem;background:#1f5fbf;color:#fff}',
  'hr{margin:2rem 0;border:0;border-top:1px solid #8888}',
].join('');

/**
 * Nothing loads from anywhere, no script runs, the one style sheet is the one above, and the form may post
 * only to this API; no framing, no <base> redirecting the form's relative address.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  // The token is in the address: no page this one leads to may learn it.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

/** The proxy result for a page; `headers` adds to (and may not weaken) the page headers. */
export function pageResult(statusCode: number, page: Html, headers: Record<string, string> = {}) {
  return {
    statusCode,
    headers: { ...headers, ...PAGE_HEADERS },
    body: page.markup,
  } satisfies APIGatewayProxyResult;
}

const STYLE_ELEMENT = rawHtml(`<style>${STYLE}</style>`);

function pageDocument(locale: Locale, title: string, main: Html): Html {
  return markup`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
${STYLE_ELEMENT}
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;
}

const SCORES = [1, 2, 3, 4, 5] as const;

export interface ComplaintPageOptions {
  /** The link token, for the form's relative address (`{token}/feedback` beside the view). */
  token: string;
  /** Shown after a rating was recorded (the page answering the form). */
  thanks?: boolean;
}

/** The complaint as its customer sees it; a rating form while it awaits one. */
export function complaintPage(view: PublicComplaintView, options: ComplaintPageOptions): Html {
  const words = PAGE_WORDS[view.locale];
  const when = (at: string) => markup`<time datetime="${at}">${formatShanghaiTime(at, view.locale)}</time>`;
  const deadline = view.deadline && markup`<dt>${words.deadline}</dt><dd>${when(view.deadline)}</dd>\n`;
  const main = markup`<h1>${words.title}</h1>
${options.thanks && markup`<p class="thanks" role="status">${words.thanks}</p>\n`}<dl>
<dt>${words.complaintNumber}</dt><dd>${view.complaintNumber}</dd>
<dt>${words.about}</dt><dd>${view.about}</dd>
<dt>${words.status}</dt><dd><strong>${view.statusText}</strong></dd>
${deadline}</dl>
<h2>${words.nextStep}</h2>
<p>${view.nextStep}</p>
${view.answer && answerSection(view, words, when)}${view.canRate && ratingForm(words, options.token)}<h2>${words.timeline}</h2>
<ol>
${view.timeline.map((entry) => markup`<li>${when(entry.at)}<span class="text">${entry.text}</span></li>\n`)}</ol>
<p class="small">${words.timesNote}</p>`;
  return pageDocument(view.locale, `${words.title} ${view.complaintNumber}`, main);
}

function answerSection(view: PublicComplaintView, words: PageWords, when: (at: string) => Html): Html {
  const { answer, rating } = view;
  if (!answer) return markup``;
  const amount =
    answer.compensation && render(words.amount, { amount: formatAmount(answer.compensation.amount) });
  const rated = rating && render(CUSTOMER_EVENT_TEXT[view.locale].rated, { score: String(rating.score) });
  return markup`<h2>${words.answer}</h2>
<p class="text">${answer.text}</p>
<p class="small">${when(answer.at)}</p>
${amount && markup`<dl><dt>${words.compensation}</dt><dd>${amount}</dd></dl>\n`}${rated && markup`<p>${rated}</p>\n`}`;
}

/** A plain form: the browser posts it form-encoded, and the answer is the next page. */
function ratingForm(words: PageWords, token: string): Html {
  const choices = SCORES.map(
    (score) =>
      markup`<label class="score"><input type="radio" name="score" value="${score}" required>${score} · ${words.scores[score]}</label>\n`,
  );
  return markup`<form method="post" action="${encodeURIComponent(token)}/feedback" accept-charset="utf-8">
<fieldset>
<legend>${words.rateTitle}</legend>
${choices}</fieldset>
<label for="comment">${words.comment}</label>
<textarea id="comment" name="comment" rows="3" maxlength="${MAX_FEEDBACK_COMMENT}"></textarea>
<button type="submit">${words.send}</button>
</form>
`;
}

export interface ProblemPageOptions {
  /** The language to put first (the page carries both). */
  locale: Locale;
  /** A relative address of the complaint's view, when a way back helps (a refused rating). */
  backTo?: string;
}

/** A short page in both languages: no complaint was read, so the customer's own language is unknown. */
export function problemPage(kind: ProblemPageKind, options: ProblemPageOptions): Html {
  const section = (locale: Locale) => {
    const words = PROBLEM_WORDS[kind][locale];
    const detail = render(words.detail, { max: String(MAX_FEEDBACK_COMMENT) });
    const back =
      options.backTo && markup`<p><a href="${options.backTo}">${BACK_TO_COMPLAINT[locale]}</a></p>\n`;
    return markup`<section lang="${locale}">
<h1>${words.title}</h1>
<p>${detail}</p>
${back}</section>`;
  };
  const [first, second]: [Locale, Locale] = options.locale === 'en' ? ['en', 'zh-CN'] : ['zh-CN', 'en'];
  const title = `${PROBLEM_WORDS[kind][first].title} · ${PROBLEM_WORDS[kind][second].title}`;
  return pageDocument(first, title, markup`${section(first)}\n<hr>\n${section(second)}`);
}
