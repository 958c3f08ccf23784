// GET /{token}: the short link in the customer's text. Redirects to the public view without a read, so
// the link stays short; the view answers 404 or 410 itself. The Location is relative on purpose: it
// resolves against whatever prefix the link came through (a stage name, a custom domain's base path).
// A browser given a malformed link gets the same bilingual page the view answers for an unknown token.
import { httpHandler } from '#commons/http';
import { isLinkTokenFormat } from '#domain/link-token';
import { servingBrowsers } from './browser-pages.ts';
import { linkNotFound } from './public-link.ts';
import { linkTokenPath } from './public-schemas.ts';

const followLink = httpHandler(
  async ({ path }) => {
    if (!isLinkTokenFormat(path.token)) throw linkNotFound();
    return { statusCode: 302, headers: { Location: `v1/public/complaints/${path.token}` } };
  },
  { path: linkTokenPath, public: true },
);

export const handler = servingBrowsers(followLink);
