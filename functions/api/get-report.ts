// GET /v1/reports/{granularity}/{period}: the operator's numbers for a day, an ISO week or a month (SPEC
// section 8), read from the report counters. Roles with the `reports` permission (supervisor, auditor, admin).
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { readReport } from '#use-cases/reports';
import { reportPath } from './report-schemas.ts';

export const handler = httpHandler(
  async ({ caller, path }) => ({
    statusCode: 200,
    body: await readReport(getServiceDeps(), caller, path.granularity, path.period),
  }),
  { path: reportPath, operation: 'reports' },
);
