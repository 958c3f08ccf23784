// POST /v1/public/complaints/{token}/feedback: the customer rates the answer through the link in the text.
// 3-5 closes the complaint as satisfied, 1-2 opens a review and alerts a supervisor (SPEC 复核); 409 outside
// awaiting-feedback, 404 for a token never issued, 410 once closed. Answers with the customer's view.
import { getServiceDeps } from '#commons/deps';
import { headerOf, httpHandler } from '#commons/http';
import { rateThroughLink } from '#use-cases/customer-link';
import { answerLocale, openedComplaint, presentPublicComplaint } from './public-link.ts';
import { linkTokenPath, publicFeedbackBody } from './public-schemas.ts';

export const handler = httpHandler(
  async ({ path, body, event }) => {
    const deps = getServiceDeps();
    const complaint = openedComplaint(await rateThroughLink(deps, path.token, body));
    const locale = answerLocale(headerOf(event, 'accept-language'), complaint.customer.locale);
    return {
      statusCode: 200,
      headers: { 'Content-Language': locale, Vary: 'Accept-Language' },
      body: presentPublicComplaint(complaint, locale, deps.clock.now()),
    };
  },
  { path: linkTokenPath, body: publicFeedbackBody, public: true },
);
