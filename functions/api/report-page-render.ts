// The report as a page a manager reads: zh-CN, six charts drawn by ECharts on the server as SVG (only the
// chart types and components used are bundled), so the page runs no script and its policy allows none.
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ResponsibleParty } from '#domain/complaint';
import { REPORT_SLA_CLOCKS, type Report, type ReportDimension } from '#domain/reports';
import { markup, rawHtml, type Html } from './html.ts';
import { PARTY_TEXT, valueLabel } from './report-labels.ts';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

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
