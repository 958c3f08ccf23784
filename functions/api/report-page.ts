// GET /v1/reports/{granularity}/{period}/page: the report as a page a manager reads (zh-CN; charts drawn by
// ECharts on the server as SVG, so the page runs no script and its policy allows none).
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { readReport } from '#use-cases/reports';
import { REPORT_PAGE_CSP, reportPage } from './report-page-render.ts';
import { reportPath } from './report-schemas.ts';

export const handler = httpHandler(
  async ({ caller, path }) => ({
    statusCode: 200,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': REPORT_PAGE_CSP,
      'X-Content-Type-Options': 'nosniff',
    },
    raw: { body: reportPage(await readReport(getServiceDeps(), caller, path.granularity, path.period)) },
  }),
  { path: reportPath, operation: 'reports' },
);
