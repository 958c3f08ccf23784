// GET /v1/org: the organisation directory (HQ, regions, outlets); alert recipients only for the `directory` permission (admin).
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { readDirectory } from '#use-cases/organisation';

// `read` or `directory` (an admin reads no complaints but keeps the directory): the use case decides.
export const handler = httpHandler(async ({ caller }) => ({
  statusCode: 200,
  body: await readDirectory(getServiceDeps(), caller),
}));
