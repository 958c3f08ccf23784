// A month's report for 10,000 generated complaints, read from the counters on the local DynamoDB as the
// report routes read it: the XLSX workbook (one sheet per dimension), the CSV, and the page a manager reads,
// served with its Content-Security-Policy and opened in headless Chromium (charts drawn, no console errors).
// The files land in .test-output/reports/ to be looked at.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoReportAggregates } from '#adapters/dynamo-report-aggregates';
import type { Principal } from '#domain/permissions';
import type { OrgDirectoryStore } from '#domain/ports';
import { addFacts, counterFacts, factDelta, type CounterFacts, type Report } from '#domain/reports';
import { readReport } from '#use-cases/reports';
import { REPORT_PAGE_CSP, reportPage } from '../../functions/api/report-page-render.ts';
import { reportCsv, reportXlsx, SHEET_NAMES } from '../../functions/api/report-render.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { loadCounters } from '../support/report-counters.ts';
import { generateHistories, REPORT_OUTLETS } from '../support/report-complaints.ts';

const OUT = join(process.cwd(), '.test-output', 'reports');
const SUPERVISOR: Principal = { id: 'sup-1', kind: 'user', roles: ['supervisor'], mayDelegate: false };

let dynamo: LocalDynamo;
let report: Report;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  dynamo = await startDynalite();
  const counters: CounterFacts = {};
  for (const states of generateHistories(10_000, '2026-03')) {
    let recorded: CounterFacts = {};
    for (const state of states) {
      const facts = counterFacts(state);
      addFacts(counters, factDelta(recorded, facts));
      recorded = facts;
    }
  }
  const reports = new DynamoReportAggregates(dynamo.doc, dynamo.tableName);
  await loadCounters(dynamo.doc, dynamo.tableName, counters);
  for (const [i, outlet] of REPORT_OUTLETS.entries()) {
    await reports.putVolume({
      month: '2026-03',
      outletId: outlet.id,
      regionId: outlet.regionId,
      parcels: 400_000 + i * 75_000,
    });
  }
  // The directory is not read by a report.
  const org = {} as OrgDirectoryStore;
  report = await readReport({ reports, org }, SUPERVISOR, 'month', '2026-03');
}, 120_000);

afterAll(async () => {
  await dynamo?.close();
});

describe("a month's report of 10,000 complaints", () => {
  it('is read in a handful of requests', () => {
    expect(report.overall.received).toBeGreaterThan(9_000);
    expect(report.source.readRequests).toBeLessThanOrEqual(4);
    console.info(
      `reports: GET month 2026-03 of 10,000 complaints: ${report.source.readRequests} read requests (${report.source.counterItems} counter items, ${report.source.volumeItems} parcel volume items)`,
    );
    writeFileSync(join(OUT, 'month-2026-03.json'), JSON.stringify(report, null, 2));
  });

  it('exports a workbook with one sheet per dimension, and a CSV', async () => {
    const file = await reportXlsx(report);
    writeFileSync(join(OUT, 'month-2026-03.xlsx'), file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
    const names = workbook.worksheets.map((s) => s.name);
    expect(names).toEqual(Object.values(SHEET_NAMES));
    console.info(`reports: XLSX sheets ${JSON.stringify(names)}`);
    const outlets = workbook.getWorksheet(SHEET_NAMES.outlet)!;
    expect(outlets.rowCount).toBe(1 + report.dimensions.outlet.length);
    expect(outlets.getRow(2).getCell(3).value).toBe(report.dimensions.outlet[0]!.received);
    expect(workbook.getWorksheet(SHEET_NAMES.byDay)!.rowCount).toBe(32);

    const csv = reportCsv(report);
    writeFileSync(join(OUT, 'month-2026-03.csv'), csv);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(
      1 + 1 + 31 + Object.values(report.dimensions).reduce((n, entries) => n + entries.length, 0),
    );
    expect(lines[1]!.startsWith(`overall,2026-03,${report.overall.received},`)).toBe(true);
  });

  it('renders as a page with six charts in headless Chromium, without console errors', async () => {
    const page = reportPage(report);
    writeFileSync(join(OUT, 'month-2026-03.html'), page);
    const server: Server = createServer((_, response) => {
      response.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': REPORT_PAGE_CSP,
      });
      response.end(page);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1240, height: 900 } });
      const problems: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      tab.on('pageerror', (error) => problems.push(error.message));
      const { port } = server.address() as AddressInfo;
      const response = await tab.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);

      // Six charts, each an SVG with drawn marks and a visible size.
      const charts = await tab.$$eval('.chart > svg', (svgs) =>
        svgs.map((svg) => ({
          marks: svg.querySelectorAll('path, rect').length,
          texts: [...svg.querySelectorAll('text')].map((t) => t.textContent ?? ''),
          width: svg.getBoundingClientRect().width,
          height: svg.getBoundingClientRect().height,
        })),
      );
      expect(charts).toHaveLength(6);
      for (const chart of charts) {
        expect(chart.marks).toBeGreaterThan(5);
        expect(chart.width).toBeGreaterThan(300);
        expect(chart.height).toBeGreaterThan(200);
      }
      const titles = [
        '每日受理与办结',
        '按类别受理量',
        '各网点解决率与满意度',
        '时限达标率',
        '受理渠道',
        '责任划分与升级',
      ];
      titles.forEach((title, i) => expect(charts[i]!.texts).toContain(title));
      expect(await tab.textContent('h1')).toBe('投诉月报 2026-03');
      expect(await tab.$$eval('tbody tr', (rows) => rows.length)).toBe(report.dimensions.outlet.length);
      await tab.screenshot({ path: join(OUT, 'month-2026-03.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);
});
