// GET /v1/complaints?status=&category=&trackingNumber=&escalated=&limit=&cursor=: one page of complaints.
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { listComplaints } from '#use-cases/queries';
import { presentPage } from './presenters.ts';
import { listQuery } from './schemas.ts';

export const handler = httpHandler(
  async ({ query, caller }) => ({
    statusCode: 200,
    body: presentPage(await listComplaints(getServiceDeps(), query, caller)),
  }),
  { query: listQuery, operation: 'read' },
);
