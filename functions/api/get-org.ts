// GET /v1/org: the organisation directory (HQ, regions, outlets); alert recipients only for the `directory` permission (admin).
import { getServiceDeps } from '#commons/deps';
import { httpHandler } from '#commons/http';
import { readDirectory } from '#use-cases/organisation';

export const handler = httpHandler(
  async ({ caller }) => ({ statusCode: 200, body: await readDirectory(getServiceDeps(), caller) }),
  { operation: 'read' },
);
