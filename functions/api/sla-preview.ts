// GET /v1/sla/preview?category=&priority=&at=: the deadlines a complaint received and accepted at `at`
// would get under this deployment's SLA policy and calendars. Ops use it to answer "when is this due?".
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { previewDeadlines } from '#domain/sla-preview';
import { slaPreviewQuery } from './schemas.ts';

export const handler = httpHandler(
  async ({ query }) => {
    const { policy, calendars } = getServiceDeps();
    return {
      statusCode: 200,
      body: previewDeadlines(
        { category: query.category, priority: query.priority, at: new Date(query.at) },
        policy,
        calendars,
      ),
    };
  },
  { query: slaPreviewQuery, operation: 'read' },
);
