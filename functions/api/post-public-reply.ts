// POST /v1/public/complaints/{token}/reply: the customer answers an information request through the link
// in the text: a message and up to a few photos uploaded beforehand through …/uploads. Recorded as the
// customer's `customer-reply` (back to investigating); each photo is accepted only after its content was
// checked. 409 unless the complaint waits for the customer, 404 for a token never issued, 410 once closed.
// Sending the same reply again (a double tap, a reload) answers like the first did.
//
// The page's form posts here form-encoded (the script adds the uploaded photos' ids as `attachmentIds`),
// and a browser is answered with the view and a confirmation, as for a rating.
import { getAttachmentDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { replyThroughLink } from '#use-cases/customer-link';
import { servingBrowsers } from './browser-pages.ts';
import { complaintPage } from './customer-page.ts';
import { customerViewAnswer, langOf, openedComplaint } from './public-link.ts';
import { linkTokenPath, publicQuery, publicReplyBody } from './public-schemas.ts';

const reply = httpHandler(
  async ({ path, body, query }) => {
    const deps = getAttachmentDeps();
    const complaint = openedComplaint(await replyThroughLink(deps, path.token, body));
    return customerViewAnswer(deps, complaint, query.lang);
  },
  { path: linkTokenPath, body: publicReplyBody, query: publicQuery, public: true },
);

/** A form sends text only: `attachmentIds` is always a list; an empty message stays to fail validation. */
export function replyFromForm(form: URLSearchParams): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name);
    if (name === 'attachmentIds') fields.attachmentIds = values;
    else fields[name] = values.length > 1 ? values : (values[0] ?? '');
  }
  return fields;
}

export const handler = servingBrowsers(reply, {
  viewPage: async (view, token, event) => {
    const lang = langOf(event);
    return complaintPage(view, {
      token,
      base: '../',
      replied: true,
      ...(lang ? { lang } : {}),
      filesOrigin: await getAttachmentDeps().files.origin(),
    });
  },
  readForm: replyFromForm,
  viewFromHere: (token) => `../${encodeURIComponent(token)}`,
  refusals: { invalid: 'reply-invalid', refused: 'reply-refused' },
});
