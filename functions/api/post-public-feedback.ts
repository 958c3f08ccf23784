// POST /v1/public/complaints/{token}/feedback: the customer rates the answer through the link in the text.
// 4-5 closes the complaint as satisfied, 3 as neutral, 1-2 opens a review and alerts a supervisor (SPEC 复核);
// 409 outside awaiting-feedback, 404 for a token never issued, 410 once closed (unless this very rating
// closed it: a second tap or a reload is answered like the first). Answers with the customer's view.
//
// The page's plain HTML form posts here form-encoded, and a browser is answered with a page: 200 with the
// view as it now is and a thank-you, rather than a redirect to the view, so a reload re-posts, records
// nothing and shows the same thanks.
import { getAttachmentDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { rateThroughLink } from '#use-cases/customer-link';
import { servingBrowsers } from './browser-pages.ts';
import { complaintPage } from './customer-page.ts';
import { customerViewAnswer, langOf, openedComplaint } from './public-link.ts';
import { linkTokenPath, publicFeedbackBody, publicQuery } from './public-schemas.ts';

const rating = httpHandler(
  async ({ path, body, query }) => {
    const deps = getAttachmentDeps();
    const complaint = openedComplaint(await rateThroughLink(deps, path.token, body));
    return customerViewAnswer(deps, complaint, query.lang);
  },
  { path: linkTokenPath, body: publicFeedbackBody, query: publicQuery, public: true },
);

/**
 * A form sends text only: a score of digits becomes its number (anything else stays text and fails
 * validation), an empty comment is no comment, and any other field goes on to be refused as unknown.
 */
export function feedbackFromForm(form: URLSearchParams): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name);
    const [value = ''] = values;
    if (values.length > 1) fields[name] = values;
    else if (name === 'score') fields.score = /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    else if (name !== 'comment' || value.trim() !== '') fields[name] = value;
  }
  return fields;
}

export const handler = servingBrowsers(rating, {
  viewPage: async (view, token, event) => {
    const lang = langOf(event);
    return complaintPage(view, {
      token,
      base: '../',
      thanks: true,
      ...(lang ? { lang } : {}),
      filesOrigin: await getAttachmentDeps().files.origin(),
    });
  },
  readForm: feedbackFromForm,
  // From …/complaints/{token}/feedback, `../{token}` is …/complaints/{token}, whatever prefix the API has.
  viewFromHere: (token) => `../${encodeURIComponent(token)}`,
});
