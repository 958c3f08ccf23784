// A report as CSV and as an XLSX workbook (exceljs: one sheet per dimension); the labels the page shares
// (report-page-render.ts draws the page).
import ExcelJS from 'exceljs';
import { DIMENSION_TEXT, valueLabel } from './report-labels.ts';
import {
  REPORT_DIMENSIONS,
  REPORT_SLA_CLOCKS,
  type Figures,
  type Report,
  type ReportDimension,
} from '#domain/reports';

/** One column of the tables: a bilingual header and the figure it shows. */
interface Column {
  header: string;
  value: (f: Figures) => number | null;
  /** Shown as a percentage in the sheet and the page. */
  percent?: true;
}

const COLUMNS: readonly Column[] = [
  { header: '受理量 received', value: (f) => f.received },
  { header: '投诉量 complaints', value: (f) => f.complaints },
  { header: '办结量 closed', value: (f) => f.closed },
  { header: '解决率 resolution rate', value: (f) => f.resolutionRate, percent: true },
  { header: '评价数 rated', value: (f) => f.satisfaction.rated },
  { header: '满意度均分 mean score', value: (f) => f.satisfaction.mean },
  { header: '4-5分占比 share 4-5', value: (f) => f.satisfaction.share45, percent: true },
  { header: '重复投诉率 repeat rate', value: (f) => f.repeatRate, percent: true },
  { header: '首次响应P50(分) first response p50 min', value: (f) => f.firstResponse.p50Minutes },
  { header: '首次响应P90(分) first response p90 min', value: (f) => f.firstResponse.p90Minutes },
  { header: '处理时长P50(分) handling p50 min', value: (f) => f.handling.p50Minutes },
  { header: '处理时长P90(分) handling p90 min', value: (f) => f.handling.p90Minutes },
  ...REPORT_SLA_CLOCKS.map((clock): Column => ({
    header: `时限达标率 SLA ${clock}`,
    value: (f) => f.sla[clock].rate,
    percent: true,
  })),
  { header: '升级至L1 escalated L1', value: (f) => f.escalations.level1 },
  { header: '升级至L2 escalated L2', value: (f) => f.escalations.level2 },
  { header: '升级至L3 escalated L3', value: (f) => f.escalations.level3 },
  { header: '监管风险 regulatory risk', value: (f) => f.regulatoryRisk },
  { header: '申诉 appeals', value: (f) => f.appeals },
  ...(['outlet', 'sorting-centre', 'carrier-partner', 'customer', 'no-fault'] as const).map(
    (party): Column => ({ header: `责任 ${party}`, value: (f) => f.responsibility[party] }),
  ),
  { header: '回访 follow-ups', value: (f) => f.followUp.opened },
  { header: '回访完成 done', value: (f) => f.followUp.done },
  { header: '回访及时率 on time', value: (f) => f.followUp.onTimeRate, percent: true },
  { header: '回访满意率 satisfied', value: (f) => f.followUp.satisfiedRate, percent: true },
  { header: '邮件量 parcels', value: (f) => f.parcels },
  { header: '百万件投诉率 per million parcels', value: (f) => f.complaintsPerMillionParcels },
];

/** Sheet names (at most 31 characters, none of []:*?/\). */
export const SHEET_NAMES = {
  overall: '总览 Overview',
  byDay: '按日 By day',
  category: '按类别 By category',
  type: '按类型 By type',
  outlet: '按网点 By outlet',
  region: '按区域 By region',
  channel: '按渠道 By channel',
} as const satisfies Record<'overall' | 'byDay' | ReportDimension, string>;

// ------------------------------------------------------------------------------------------------ CSV

const csvCell = (value: string | number | null): string => {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One table: dimension, value, then every figure; the overall row first, then each day, then each dimension. */
export function reportCsv(report: Report): string {
  const lines = [['dimension', 'value', ...COLUMNS.map((c) => c.header)]];
  const row = (dimension: string, value: string, f: Figures) => [
    dimension,
    value,
    ...COLUMNS.map((c) => {
      const v = c.value(f);
      return v === null ? '' : String(v);
    }),
  ];
  lines.push(row('overall', report.period.id, report.overall));
  for (const day of report.byDay) lines.push(row('day', day.day, day));
  for (const dimension of REPORT_DIMENSIONS) {
    for (const entry of report.dimensions[dimension]) lines.push(row(dimension, entry.value, entry));
  }
  // A byte order mark so spreadsheet programs read the Chinese headers as UTF-8.
  return `\uFEFF${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

// ------------------------------------------------------------------------------------------------ XLSX

function addSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  firstHeader: string,
  rows: readonly { label: string; code: string; figures: Figures }[],
): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
  sheet.columns = [
    { header: firstHeader, key: 'label', width: 16 },
    { header: '代码 code', key: 'code', width: 14 },
    ...COLUMNS.map((c, i) => ({
      header: c.header,
      key: `c${i}`,
      width: Math.max(12, Math.min(28, c.header.length + 2)),
      ...(c.percent ? { style: { numFmt: '0.0%' } } : {}),
    })),
  ];
  sheet.getRow(1).font = { bold: true };
  for (const { label, code, figures } of rows) {
    sheet.addRow({
      label,
      code,
      ...Object.fromEntries(COLUMNS.map((c, i) => [`c${i}`, c.value(figures)])),
    });
  }
}

/** The workbook: an overview, the days, then one sheet per dimension (SHEET_NAMES). */
export async function reportXlsx(report: Report): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'postal-complaints';
  // Fixed, so the same report gives the same file.
  workbook.created = new Date(`${report.period.to}T00:00:00Z`);
  workbook.modified = workbook.created;
  addSheet(workbook, SHEET_NAMES.overall, '期间 period', [
    { label: report.period.id, code: report.period.id, figures: report.overall },
  ]);
  addSheet(
    workbook,
    SHEET_NAMES.byDay,
    '日期 day',
    report.byDay.map((d) => ({ label: d.day, code: d.day, figures: d })),
  );
  for (const dimension of REPORT_DIMENSIONS) {
    addSheet(
      workbook,
      SHEET_NAMES[dimension],
      `${DIMENSION_TEXT[dimension]} ${dimension}`,
      report.dimensions[dimension].map((e) => ({
        label: valueLabel(dimension, e.value),
        code: e.value,
        figures: e,
      })),
    );
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
