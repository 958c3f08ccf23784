// GET /v1/public/complaints/{token}: the customer's own view of the complaint, in plain words and in their
// language (Accept-Language may choose zh-CN or en). No authentication: the link token is the credential.
// 404 for a token never issued (or malformed), 410 once the complaint has closed. A browser (Accept ranks
// text/html first) gets the view as a page with the rating form, and error pages instead of problems.
import { getServiceDeps } from '#commons/deps';
import { headerOf, httpHandler } from '#commons/http';
import { complaintByLink } from '#use-cases/customer-link';
import { servingBrowsers } from './browser-pages.ts';
import { complaintPage } from './customer-page.ts';
import { answerLocale, openedComplaint, presentPublicComplaint } from './public-link.ts';
import { linkTokenPath } from './public-schemas.ts';

const publicComplaint = httpHandler(
  async ({ path, event }) => {
    const deps = getServiceDeps();
    const complaint = openedComplaint(await complaintByLink(deps, path.token));
    const locale = answerLocale(headerOf(event, 'accept-language'), complaint.customer.locale);
    return {
      statusCode: 200,
      headers: { 'Content-Language': locale, Vary: 'Accept-Language' },
      body: presentPublicComplaint(complaint, locale, deps.clock.now()),
    };
  },
  { path: linkTokenPath, public: true },
);

export const handler = servingBrowsers(publicComplaint, {
  viewPage: (view, token) => complaintPage(view, { token }),
});
