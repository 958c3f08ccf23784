// GET /v1/reports/{granularity}/{period}/export?format=csv|xlsx: the report as a CSV table or an XLSX
// workbook with one sheet per dimension (SPEC section 8).
import { getServiceDeps } from '#composition/deps';
import { httpHandler } from '#commons/http';
import { readReport } from '#use-cases/reports';
import { reportCsv, reportXlsx } from './report-render.ts';
import { reportExportQuery, reportPath } from './report-schemas.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const handler = httpHandler(
  async ({ caller, path, query }) => {
    const report = await readReport(getServiceDeps(), caller, path.granularity, path.period);
    const file = `complaints-${path.granularity}-${report.period.id}.${query.format}`;
    const disposition = { 'Content-Disposition': `attachment; filename="${file}"` };
    if (query.format === 'csv') {
      return {
        statusCode: 200,
        headers: { 'Content-Type': 'text/csv; charset=utf-8', ...disposition },
        raw: { body: reportCsv(report) },
      };
    }
    return {
      statusCode: 200,
      headers: { 'Content-Type': XLSX_TYPE, ...disposition },
      raw: { body: (await reportXlsx(report)).toString('base64'), isBase64Encoded: true },
    };
  },
  { path: reportPath, query: reportExportQuery, operation: 'reports' },
);
