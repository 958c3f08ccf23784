// A report as CSV, as an XLSX workbook (exceljs: one sheet per dimension) and as a page a manager reads
// (zh-CN, charts drawn by ECharts on the server as SVG: the page runs no script).
import ExcelJS from 'exceljs';
import * as echarts from 'echarts';
import type { Category, ResponsibleParty } from '#domain/complaint';
import { CATEGORY_TEXT } from '#domain/notifications/templates';
import {
  REPORT_DIMENSIONS,
  REPORT_SLA_CLOCKS,
  UNASSIGNED,
  type Figures,
  type Report,
  type ReportDimension,
} from '#domain/reports';
import { markup, rawHtml, type Html } from './html.ts';

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

const DIMENSION_TEXT: Record<ReportDimension, string> = {
  category: '类别',
  type: '类型',
  outlet: '网点',
  region: '区域',
  channel: '渠道',
};

const TYPE_TEXT: Record<string, string> = { complaint: '投诉', suggestion: '建议', enquiry: '咨询' };
const CHANNEL_TEXT: Record<string, string> = {
  hotline: '热线',
  web: '网站',
  app: 'APP',
  wechat: '微信',
  email: '邮件',
  counter: '柜台',
  regulator: '监管转办',
};
const PARTY_TEXT: Record<ResponsibleParty, string> = {
  outlet: '网点',
  'sorting-centre': '分拣中心',
  'carrier-partner': '合作承运商',
  customer: '客户',
  'no-fault': '无责',
};

/** A dimension value as a manager reads it (codes of outlets and regions stay codes). */
export function valueLabel(dimension: ReportDimension, value: string): string {
  if (value === UNASSIGNED) return '未指定';
  if (dimension === 'category') return CATEGORY_TEXT['zh-CN'][value as Category] ?? value;
  if (dimension === 'type') return TYPE_TEXT[value] ?? value;
  if (dimension === 'channel') return CHANNEL_TEXT[value] ?? value;
  return value;
}

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

// ------------------------------------------------------------------------------------------------ page

const CHART_WIDTH = 560;
const CHART_HEIGHT = 300;
const PALETTE = ['#1f5fa8', '#2e9d6b', '#e0a526', '#c8453b', '#7a4fb5', '#3aa6b9', '#8c8c8c'];

/** One chart rendered to SVG by ECharts on the server (no script reaches the browser). */
function chartSvg(option: echarts.EChartsCoreOption): Html {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: 'sans-serif' }, ...option });
    // ECharts escapes the texts it draws (category names, titles) into its SVG.
    return rawHtml(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 0): string => (v === null ? '—' : v.toFixed(digits));
const minutes = (v: number | null): string =>
  v === null ? '—' : v < 120 ? `≤${v} 分钟` : v < 2880 ? `≤${v / 60} 小时` : `≤${v / 1440} 天`;

function charts(report: Report): Html[] {
  const days = report.byDay.map((d) => d.day.slice(5));
  const top = (dimension: ReportDimension, n = 10) => report.dimensions[dimension].slice(0, n);
  const categories = top('category', 11);
  const outlets = top('outlet', 12);
  const channels = report.dimensions.channel;
  const sla = REPORT_SLA_CLOCKS.filter((c) => report.overall.sla[c].measured > 0);
  const parties = Object.entries(report.overall.responsibility).filter(([, n]) => n > 0);
  const levels = report.overall.escalations;
  return [
    chartSvg({
      title: { text: '每日受理与办结', left: 'center', textStyle: { fontSize: 14 } },
      legend: { bottom: 0, data: ['受理', '办结'] },
      grid: { left: 48, right: 16, top: 40, bottom: 56 },
      xAxis: { type: 'category', data: days, axisLabel: { interval: Math.ceil(days.length / 10) - 1 } },
      yAxis: { type: 'value' },
      series: [
        { name: '受理', type: 'line', data: report.byDay.map((d) => d.received), symbol: 'none' },
        { name: '办结', type: 'line', data: report.byDay.map((d) => d.closed), symbol: 'none' },
      ],
    }),
    chartSvg({
      title: { text: '按类别受理量', left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 110, right: 24, top: 40, bottom: 24 },
      xAxis: { type: 'value' },
      yAxis: {
        type: 'category',
        inverse: true,
        data: categories.map((e) => valueLabel('category', e.value)),
      },
      series: [
        { type: 'bar', data: categories.map((e) => e.received), label: { show: true, position: 'right' } },
      ],
    }),
    chartSvg({
      title: { text: '各网点解决率与满意度', left: 'center', textStyle: { fontSize: 14 } },
      legend: { bottom: 0, data: ['解决率 %', '4-5分占比 %'] },
      grid: { left: 48, right: 16, top: 40, bottom: 56 },
      xAxis: {
        type: 'category',
        data: outlets.map((e) => valueLabel('outlet', e.value)),
        axisLabel: { rotate: 30 },
      },
      yAxis: { type: 'value', max: 100 },
      series: [
        { name: '解决率 %', type: 'bar', data: outlets.map((e) => round1(e.resolutionRate)) },
        { name: '4-5分占比 %', type: 'bar', data: outlets.map((e) => round1(e.satisfaction.share45)) },
      ],
    }),
    chartSvg({
      title: { text: '时限达标率', left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: sla.map((c) => CLOCK_TEXT[c]) },
      yAxis: { type: 'value', max: 100 },
      series: [
        {
          type: 'bar',
          data: sla.map((c) => round1(report.overall.sla[c].rate)),
          label: { show: true, position: 'top', formatter: '{c}%' },
        },
      ],
    }),
    chartSvg({
      title: { text: '受理渠道', left: 'center', textStyle: { fontSize: 14 } },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '62%'],
          center: ['50%', '52%'],
          data: channels.map((e) => ({ name: valueLabel('channel', e.value), value: e.received })),
          label: { formatter: '{b} {d}%' },
        },
      ],
    }),
    chartSvg({
      title: { text: '责任划分与升级', left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: {
        type: 'category',
        data: [...parties.map(([p]) => PARTY_TEXT[p as ResponsibleParty]), '升级L1', '升级L2', '升级L3'],
        axisLabel: { interval: 0 },
      },
      yAxis: { type: 'value' },
      series: [
        {
          type: 'bar',
          data: [...parties.map(([, n]) => n), levels.level1, levels.level2, levels.level3],
          label: { show: true, position: 'top' },
        },
      ],
    }),
  ];
}

const CLOCK_TEXT: Record<(typeof REPORT_SLA_CLOCKS)[number], string> = {
  response: '响应',
  handling: '处理',
  resolution: '答复',
  review: '复核',
  regulator: '监管答复',
};

const round1 = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 10);

const PAGE_STYLE = `body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#1d2733;background:#f6f8fa}
h1{font-size:22px;margin:0 0 4px}p.sub{color:#5b6776;margin:0 0 16px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin-bottom:16px}
.kpi{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:10px}
.kpi b{display:block;font-size:20px;margin-top:4px}.kpi span{color:#5b6776;font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(${CHART_WIDTH}px,1fr));gap:12px}
.chart{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:6px}
table{border-collapse:collapse;background:#fff;margin-top:16px;font-size:13px}
th,td{border:1px solid #dde3ea;padding:4px 8px;text-align:right}th{background:#eef2f6}td:first-child,th:first-child{text-align:left}`;

/** Content-Security-Policy of the report page: styles (the charts' own included), no script at all. */
export const REPORT_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const GRANULARITY_TEXT = { day: '日报', week: '周报', month: '月报' } as const;

/** The report as one self-contained page: key figures, six charts, the outlets' table. */
export function reportPage(report: Report): string {
  const o = report.overall;
  const kpis: [string, string][] = [
    ['受理量', num(o.received)],
    ['投诉量', num(o.complaints)],
    ['办结量', num(o.closed)],
    ['解决率', pct(o.resolutionRate)],
    ['满意度均分', num(o.satisfaction.mean, 2)],
    ['4-5分占比', pct(o.satisfaction.share45)],
    ['重复投诉率', pct(o.repeatRate)],
    ['首次响应 P50 / P90', `${minutes(o.firstResponse.p50Minutes)} / ${minutes(o.firstResponse.p90Minutes)}`],
    ['处理时长 P50 / P90', `${minutes(o.handling.p50Minutes)} / ${minutes(o.handling.p90Minutes)}`],
    ['监管风险', num(o.regulatoryRisk)],
    ['申诉（监管转办）', num(o.appeals)],
    ['百万件投诉率', num(o.complaintsPerMillionParcels, 2)],
    ['回访 完成/应回访 · 及时率', `${o.followUp.done}/${o.followUp.opened} · ${pct(o.followUp.onTimeRate)}`],
  ];
  const outletRows = report.dimensions.outlet.map(
    (e) => markup`<tr><td>${valueLabel('outlet', e.value)}</td><td>${e.received}</td><td>${e.closed}</td>
<td>${pct(e.resolutionRate)}</td><td>${num(e.satisfaction.mean, 2)}</td><td>${pct(e.satisfaction.share45)}</td>
<td>${pct(e.repeatRate)}</td><td>${e.escalations.level1}</td><td>${num(e.complaintsPerMillionParcels, 2)}</td></tr>`,
  );
  const title = `投诉${GRANULARITY_TEXT[report.period.granularity]} ${report.period.id}`;
  return markup`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${rawHtml(PAGE_STYLE)}</style></head>
<body><h1>${title}</h1>
<p class="sub">统计期间 ${report.period.from} 至 ${report.period.to}（北京时间）· 受理类指标按受理日期，办结类指标按办结日期 · 建议与咨询不计入投诉率</p>
<section class="kpis">${kpis.map(([label, value]) => markup`<div class="kpi"><span>${label}</span><b>${value}</b></div>`)}</section>
<section class="charts">${charts(report).map((svg) => markup`<div class="chart">${svg}</div>`)}</section>
<table><thead><tr><th>网点</th><th>受理</th><th>办结</th><th>解决率</th><th>满意度</th><th>4-5分</th><th>重复率</th><th>升级</th><th>百万件投诉率</th></tr></thead>
<tbody>${outletRows}</tbody></table>
</body></html>`.markup;
}
