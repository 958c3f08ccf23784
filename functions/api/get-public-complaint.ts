// GET (and HEAD) /v1/public/complaints/{token}: the customer's own view of the complaint, in plain words,
// in the customer's stored language (`?lang=` switches). No authentication: the link token is the
// credential. 404 for a token never issued (or malformed); a closed complaint keeps showing its outcome.
// A browser (Accept ranks text/html first) gets the view as a page with the reply or rating form, and
// error pages instead of problems. HEAD answers a link preview with the same status and headers.
import { getAttachmentDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { complaintByLink } from '#use-cases/customer-link';
import { servingBrowsers } from './browser-pages.ts';
import { complaintPage } from './customer-page.ts';
import { customerViewAnswer, langOf, openedComplaint } from './public-link.ts';
import { linkTokenPath, publicQuery } from './public-schemas.ts';

const publicComplaint = httpHandler(
  async ({ path, query }) => {
    const deps = getAttachmentDeps();
    const complaint = openedComplaint(await complaintByLink(deps, path.token));
    return customerViewAnswer(deps, complaint, query.lang);
  },
  { path: linkTokenPath, query: publicQuery, public: true },
);

export const handler = servingBrowsers(publicComplaint, {
  viewPage: async (view, token, event) => {
    const lang = langOf(event);
    return complaintPage(view, {
      token,
      ...(lang ? { lang } : {}),
      filesOrigin: await getAttachmentDeps().files.origin(),
    });
  },
});
