// The customer's view as a small HTML page for a phone's browser: the same plain words the JSON carries,
// in the customer's stored language with a switch to the other; while the complaint waits for the
// customer, a reply form (text, and photos uploaded by one small script straight to the bucket); while the
// answer awaits a rating, a plain form that posts the score. Every value goes through the escaping `markup`
// template; the only style and script are inline and allowed by their hashes in the CSP.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ATTACHMENT_LIMITS, PHOTO_TYPES } from '#domain/attachments';
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
import { Html, markup, rawHtml } from './html.ts';
import { MAX_FEEDBACK_COMMENT, MAX_REPLY_MESSAGE, type PublicComplaintView } from './public-schemas.ts';

const STYLE = [
  ':root{color-scheme:light;--ink:#1d2329;--muted:#5f6b76;--line:#e3e7eb;--bg:#f4f6f8;--card:#fff;--brand:#0b6e4f;--accent:#1f5fbf;font:16px/1.55 system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",sans-serif;color:var(--ink);background:var(--bg)}',
  'body{margin:0}main{margin:0 auto;max-width:36rem;padding:0 1rem 2rem}',
  '.bar{background:var(--brand);color:#fff;padding:.7rem 1rem;display:flex;align-items:center;justify-content:space-between;gap:1rem}',
  '.bar b{font-size:1rem;letter-spacing:.02em}.bar a{color:#fff;font-size:.9rem;text-decoration:none;border:1px solid #ffffff80;border-radius:999px;padding:.15rem .75rem}',
  'h1{font-size:1.35rem;margin:1.2rem 0 .8rem}h2{font-size:1.05rem;margin:0 0 .6rem}',
  '.card{position:relative;background:var(--card);border:1px solid var(--line);border-radius:.8rem;padding:1rem;margin:0 0 1rem}',
  'dl{display:grid;grid-template-columns:auto 1fr;gap:.35rem 1rem;margin:0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}',
  '.badge{display:inline-block;padding:.1rem .6rem;border-radius:.5rem;background:#e6f2ec;color:var(--brand);font-weight:600}',
  '.ask{margin:0 0 1rem;padding:.7rem .9rem;border-left:4px solid var(--brand);background:#f2f7f4;border-radius:0 .5rem .5rem 0}',
  '.ask p{margin:0}.ask .small{margin-top:.3rem}.field{font-weight:600;margin:.2rem 0}',
  '.picker{position:absolute;left:0;top:0;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap}',
  '.pick{display:inline-block;font-weight:600;padding:.55rem 1rem;margin:.4rem 0;border:1px dashed var(--accent);border-radius:.6rem;color:var(--accent);background:#f3f7fd}',
  '.preview{display:grid;grid-template-columns:repeat(3,1fr);gap:.5rem;margin:.4rem 0}.preview img{width:100%;aspect-ratio:1;object-fit:cover;border-radius:.4rem;border:1px solid var(--line)}',
  '.text{white-space:pre-line;overflow-wrap:anywhere}.small{font-size:.85rem;color:var(--muted)}',
  '.thanks{padding:.8rem 1rem;border-radius:.6rem;background:#2a7d4f;color:#fff;margin:1rem 0}',
  '.note{padding:.7rem 1rem;border-radius:.6rem;background:#fff7e0;border:1px solid #f0d98a;margin:0 0 1rem}',
  'ol{list-style:none;padding:0;margin:0}li{position:relative;padding:0 0 .8rem 1.1rem;border-left:2px solid var(--line);margin-left:.3rem}',
  'li:before{content:"";position:absolute;left:-.4rem;top:.35rem;width:.65rem;height:.65rem;border-radius:50%;background:var(--brand)}',
  'li time{display:block;font-size:.8rem;color:var(--muted);font-variant-numeric:tabular-nums}',
  'fieldset{border:0;margin:0;padding:0}legend{font-weight:600;margin-bottom:.5rem}',
  '.score{display:block;padding:.6rem .8rem;margin:.4rem 0;border:1px solid var(--line);border-radius:.5rem}',
  '.score input{margin-right:.6rem}label{display:block;font-weight:600;margin:.2rem 0}',
  'textarea{box-sizing:border-box;width:100%;font:inherit;margin:.3rem 0 1rem;padding:.6rem;border:1px solid #b8c1ca;border-radius:.5rem}',
  'input[type=file]{display:block;width:100%;margin:.4rem 0;font:inherit}',
  'button{width:100%;padding:.85rem;font:inherit;font-weight:600;border:0;border-radius:.6rem;background:var(--accent);color:#fff;margin-top:.6rem}',
  'button:disabled{opacity:.6}.progress{min-height:1.2rem;color:var(--accent);margin:.4rem 0 0}',
  '.photos{display:grid;grid-template-columns:repeat(3,1fr);gap:.5rem}.photos img{width:100%;aspect-ratio:1;object-fit:cover;border-radius:.4rem;border:1px solid var(--line)}',
  'hr{margin:2rem 0;border:0;border-top:1px solid var(--line)}section{padding:0 1rem}',
].join('');

/**
 * Uploads the chosen photos (presigned POST straight to the bucket), then sends the form natively with
 * their ids: the confirmation is the next page, exactly as without photos. A second tap while it runs
 * does nothing; without scripts the form still sends the text. Some Android browsers give a HEIC photo
 * no type: its name tells.
 */
const SCRIPT = `(()=>{const f=document.getElementById('reply');if(!f)return;
const input=f.querySelector('input[type=file]'),out=f.querySelector('.progress'),button=f.querySelector('button');
const max=Number(f.dataset.max);
const preview=f.querySelector('.preview');
input.addEventListener('change',()=>{out.textContent=input.files.length>max?f.dataset.tooMany:input.files.length?f.dataset.chosen.replace('{n}',String(input.files.length)):'';
preview.replaceChildren(...[...input.files].slice(0,max).map((file)=>{const i=document.createElement('img');i.alt=file.name;i.src=URL.createObjectURL(file);return i;}));});
f.addEventListener('submit',async(e)=>{if(f.dataset.busy){e.preventDefault();return;}
if(!input.files.length){f.dataset.busy='1';return;}
e.preventDefault();if(input.files.length>max){out.textContent=f.dataset.tooMany;return;}
f.dataset.busy='1';button.disabled=true;out.textContent=f.dataset.uploading;
try{for(const file of input.files){
const r=await fetch(f.dataset.uploads,{method:'POST',headers:{'Content-Type':'application/json',Accept:'application/json'},body:JSON.stringify({contentType:file.type||(/\\.hei[cf]$/i.test(file.name)?'image/heic':''),size:file.size})});
if(!r.ok)throw new Error(String(r.status));const p=await r.json();const d=new FormData();
for(const [k,v] of Object.entries(p.upload.fields))d.append(k,v);d.append('file',file);
const u=await fetch(p.upload.url,{method:'POST',body:d});if(!u.ok)throw new Error(String(u.status));
const h=document.createElement('input');h.type='hidden';h.name='attachmentIds';h.value=p.attachmentId;f.appendChild(h);}
input.disabled=true;f.submit();}catch{out.textContent=f.dataset.failed;button.disabled=false;delete f.dataset.busy;}});})();`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Nothing loads from anywhere but the attachments bucket (signed photo URLs, the presigned upload), the
 * one script and style sheet are the ones above, and forms post only to this API; no framing, no <base>
 * redirecting the forms' relative addresses.
 */
export function pageCsp(filesOrigin?: string): string {
  return [
    "default-src 'none'",
    `style-src ${sha256(STYLE)}`,
    `script-src ${sha256(SCRIPT)}`,
    // blob: the photos chosen, previewed before they are sent.
    `img-src ${filesOrigin ? `${filesOrigin} blob:` : "'none'"}`,
    `connect-src 'self'${filesOrigin ? ` ${filesOrigin}` : ''}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy of a page that reaches no bucket (error pages). */
export const PAGE_CSP = pageCsp();

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
  // The token is in the address: no page this one leads to may learn it.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

/** A rendered page and the bucket origin its policy must allow (photos, uploads), if any. */
export interface Page {
  html: Html;
  filesOrigin?: string;
}

/** The proxy result for a page; `headers` adds to (and may not weaken) the page headers. */
export function pageResult(statusCode: number, page: Html | Page, headers: Record<string, string> = {}) {
  const { html, filesOrigin } = page instanceof Html ? { html: page, filesOrigin: undefined } : page;
  return {
    statusCode,
    headers: { ...headers, ...PAGE_HEADERS, 'Content-Security-Policy': pageCsp(filesOrigin) },
    body: html.markup,
  } satisfies APIGatewayProxyResult;
}

const STYLE_ELEMENT = rawHtml(`<style>${STYLE}</style>`);
const SCRIPT_ELEMENT = rawHtml(`<script>${SCRIPT}</script>`);

function pageDocument(locale: Locale, title: string, main: Html, header?: Html, script = false): Html {
  return markup`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
${STYLE_ELEMENT}
</head>
<body>
${header}<main>
${main}
</main>
${script && SCRIPT_ELEMENT}</body>
</html>
`;
}

const SCORES = [1, 2, 3, 4, 5] as const;

export interface ComplaintPageOptions {
  /** The link token, for the forms' and links' relative addresses. */
  token: string;
  /** Relative prefix from this page to the view's directory: '' on the view, '../' on a form's answer. */
  base?: '' | '../';
  /** The language the switch chose (kept through the forms); absent: the customer's own. */
  lang?: Locale;
  /** Shown after a rating was recorded (the page answering the form). */
  thanks?: boolean;
  /** Shown after a reply was recorded. */
  replied?: boolean;
  /** The bucket's origin, for the photos and the upload (the page's policy allows it). */
  filesOrigin?: string;
}

/** The complaint as its customer sees it; a reply form while it waits for them, a rating form while it awaits one. */
export function complaintPage(view: PublicComplaintView, options: ComplaintPageOptions): Page {
  const words = PAGE_WORDS[view.locale];
  const view_ = `${options.base ?? ''}${encodeURIComponent(options.token)}`;
  const keepLang = options.lang ? `?lang=${options.lang}` : '';
  const other: Locale = view.locale === 'en' ? 'zh-CN' : 'en';
  const header = markup`<header class="bar"><b>${words.brand}</b><a href="${view_}?lang=${other}" lang="${other}" hreflang="${other}">${words.switchTo}</a></header>
`;
  const when = (at: string) => markup`<time datetime="${at}">${formatShanghaiTime(at, view.locale)}</time>`;
  const deadline =
    view.deadline &&
    markup`<dt>${words.deadline}</dt><dd>${when(view.deadline)}</dd>
`;
  const main = markup`<h1>${words.title}</h1>
${
  options.thanks &&
  markup`<p class="thanks" role="status">${words.thanks}</p>
`
}${
    options.replied &&
    markup`<p class="thanks" role="status">${words.replied}</p>
`
  }${
    view.status === 'closed' &&
    markup`<p class="note">${words.closedNote}</p>
`
  }<div class="card"><dl>
<dt>${words.complaintNumber}</dt><dd>${view.complaintNumber}</dd>
<dt>${words.about}</dt><dd>${view.about}</dd>
<dt>${words.status}</dt><dd><span class="badge">${view.statusText}</span></dd>
${deadline}</dl></div>
<div class="card"><h2>${words.nextStep}</h2>
<p class="text">${view.nextStep}</p></div>
${view.canReply && replyForm(view, words, `${view_}/reply${keepLang}`, `${view_}/uploads`)}${view.answer && answerSection(view, words, when)}${view.canRate && ratingForm(words, `${view_}/feedback${keepLang}`)}${view.photos.length > 0 && photoSection(view, words)}<div class="card"><h2>${words.timeline}</h2>
<ol>
${view.timeline.map(
  (entry) => markup`<li>${when(entry.at)}<span class="text">${entry.text}</span></li>
`,
)}</ol>
<p class="small">${words.timesNote}</p></div>`;
  return {
    html: pageDocument(view.locale, `${words.title} ${view.complaintNumber}`, main, header, view.canReply),
    ...(options.filesOrigin ? { filesOrigin: options.filesOrigin } : {}),
  };
}

function photoSection(view: PublicComplaintView, words: PageWords): Html {
  return markup`<div class="card"><h2>${words.yourPhotos}</h2>
<div class="photos">${view.photos.map((photo) => markup`<img src="${photo.url}" alt="${words.yourPhotos}" loading="lazy">`)}</div></div>
`;
}

/** The reply form: text always; photos through the script (presigned uploads), which then submits it. */
function replyForm(view: PublicComplaintView, words: PageWords, action: string, uploads: string): Html {
  const ask =
    view.infoRequest &&
    markup`<blockquote class="ask"><p class="text">${view.infoRequest.text}</p><p class="small">${formatShanghaiTime(view.infoRequest.at, view.locale)}</p></blockquote>
`;
  const max = String(ATTACHMENT_LIMITS.perReply);
  const photosLabel = render(words.photosLabel, {
    max,
    mb: String(ATTACHMENT_LIMITS.maxBytes / 1024 / 1024),
  });
  return markup`<form id="reply" class="card" method="post" action="${action}" accept-charset="utf-8" data-uploads="${uploads}" data-max="${max}" data-uploading="${words.uploading}" data-failed="${words.uploadFailed}" data-chosen="${words.photosChosen}" data-too-many="${words.tooManyPhotos}">
<h2>${words.replyTitle}</h2>
${ask}<label for="message">${words.replyLabel}</label>
<textarea id="message" name="message" rows="4" required maxlength="${MAX_REPLY_MESSAGE}"></textarea>
<p class="field">${photosLabel}</p>
<input id="photos" class="picker" type="file" accept="${PHOTO_TYPES.join(',')}" multiple>
<label for="photos" class="pick">${words.pickPhotos}</label>
<div class="preview"></div>
<p class="small">${words.photosHint}</p>
<noscript><p class="small">${words.photosNeedScript}</p></noscript>
<p class="progress" role="status" aria-live="polite"></p>
<button type="submit">${words.replySend}</button>
</form>
`;
}

function answerSection(view: PublicComplaintView, words: PageWords, when: (at: string) => Html): Html {
  const { answer, rating } = view;
  if (!answer) return markup``;
  const amount =
    answer.compensation && render(words.amount, { amount: formatAmount(answer.compensation.amount) });
  const rated = rating && render(CUSTOMER_EVENT_TEXT[view.locale].rated, { score: String(rating.score) });
  return markup`<div class="card"><h2>${words.answer}</h2>
<p class="text">${answer.text}</p>
<p class="small">${when(answer.at)}</p>
${amount && markup`<dl><dt>${words.compensation}</dt><dd>${amount}</dd></dl>\n`}${rated && markup`<p>${rated}</p>\n`}</div>
`;
}

/** A plain form: the browser posts it form-encoded, and the answer is the next page. */
function ratingForm(words: PageWords, action: string): Html {
  const choices = SCORES.map(
    (score) =>
      markup`<label class="score"><input type="radio" name="score" value="${score}" required>${score} · ${words.scores[score]}</label>\n`,
  );
  return markup`<form class="card" method="post" action="${action}" accept-charset="utf-8">
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
    const max = kind === 'reply-invalid' ? MAX_REPLY_MESSAGE : MAX_FEEDBACK_COMMENT;
    const detail = render(words.detail, { max: String(max) });
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
