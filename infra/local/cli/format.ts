// How the CLI shows things to a person: times in Asia/Shanghai (where the operators work, whatever the
// terminal's zone), aligned tables, and complaints, timelines and problems as short plain-text blocks.
import type { ComplaintView, TimelineView } from '../../../functions/api/schemas.ts';
import type { ProblemDocument } from './api.ts';

export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

const shanghaiParts = new Intl.DateTimeFormat('en-US', {
  timeZone: DISPLAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** ISO instant -> "2026-10-01 16:00:00" in Asia/Shanghai. */
export function shanghaiTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const part = Object.fromEntries(shanghaiParts.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}

/** The shorter form for table cells: "10-01 16:00:00". */
export function shanghaiShortTime(iso: string): string {
  return shanghaiTime(iso).slice(5);
}

/** "in 3h 20m" / "4m overdue": how far a deadline is from now, to the minute (seconds under a minute). */
export function untilDeadline(iso: string, now: Date): string {
  const ms = new Date(iso).getTime() - now.getTime();
  const span = durationText(Math.abs(ms));
  return ms >= 0 ? `in ${span}` : `${span} overdue`;
}

function durationText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts = [days && `${days}d`, hours && `${hours}h`, `${minutes % 60}m`];
  return parts.filter(Boolean).join(' ');
}

/** Left-aligned columns separated by two spaces; the header row comes first. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Label/value pairs with the values aligned; pairs without a value are left out. */
export function fields(pairs: [string, string | null | undefined][], indent = '  '): string[] {
  const shown = pairs.filter((pair): pair is [string, string] => pair[1] !== null && pair[1] !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`);
}

export function classificationText(c: ComplaintView): string {
  const { source, confidence } = c.classification;
  return source === 'classifier'
    ? `${c.category} (classifier, confidence ${Math.round(confidence * 100)}%)`
    : `${c.category} (${source})`;
}

/** A closed complaint's deadlines are history: no "in 2m" next to them. */
function deadlineText(c: ComplaintView, iso: string | null | undefined, now: Date): string | null {
  if (!iso) return null;
  return c.status === 'closed' ? shanghaiTime(iso) : `${shanghaiTime(iso)}  (${untilDeadline(iso, now)})`;
}

export function deadlineFields(c: ComplaintView, now: Date): [string, string | null][] {
  return [
    ['respond by', deadlineText(c, c.deadlines.response, now)],
    ['resolve by', deadlineText(c, c.deadlines.resolution, now)],
    ['stage due', deadlineText(c, c.deadlines.stage, now)],
  ];
}

const yuan = (amount: number | null | undefined) =>
  amount === null || amount === undefined ? null : `¥${amount}`;

/** The whole complaint as `show` prints it. */
export function complaintBlock(c: ComplaintView, now: Date): string[] {
  const status = c.closeReason ? `${c.status} (${c.closeReason})` : c.status;
  const customer = [c.customer.name, c.customer.phone, c.customer.locale].filter(Boolean).join(', ');
  const lines = [
    `Complaint ${c.shortId}  ${c.id}`,
    ...fields([
      ['status', status],
      ['category', classificationText(c)],
      ['priority', c.priority],
      ['escalation', `level ${c.escalationLevel}${c.regulatoryRisk ? ', regulatory risk' : ''}`],
      ['channel', c.channel],
      ['customer', customer],
      ['tracking', c.trackingNumber],
      ['owner', c.owner],
      ['first responder', c.firstResponder],
      ['repeat of', c.repeatOf],
      ['outlet', c.outletId],
      ['region', c.regionId],
      ['declared value', yuan(c.declaredValue)],
      ['postage', yuan(c.postage)],
      ['insured', c.insured === null || c.insured === undefined ? null : c.insured ? 'yes' : 'no'],
      ['external ref', c.externalRef],
      ['received', shanghaiTime(c.receivedAt)],
      ['updated', `${shanghaiTime(c.updatedAt)}  (version ${c.version})`],
      ...deadlineFields(c, now),
      ['next actions', c.allowedActions.length > 0 ? c.allowedActions.join(', ') : 'none'],
    ]),
    '',
    'Description',
    ...indented(c.description),
  ];
  if (c.resolution) {
    const r = c.resolution;
    lines.push('', `Resolution by ${r.by} at ${shanghaiTime(r.at)}`, ...indented(r.text));
    if (r.compensation) lines.push(`  compensation ¥${r.compensation.amount}`);
    if (r.suggestedCompensation) lines.push(`  suggested compensation ¥${r.suggestedCompensation.amount}`);
  }
  if (c.feedback) {
    const f = c.feedback;
    lines.push(
      '',
      `Feedback ${f.score}/5 at ${shanghaiTime(f.at)}`,
      ...(f.comment ? indented(f.comment) : []),
    );
  }
  return lines;
}

function indented(text: string): string[] {
  return text.split(/\r?\n/).map((line) => `  ${line}`);
}

/** The timeline as a table: at, type, actor, from→to and a compact view of the event's data. */
export function timelineBlock(timeline: TimelineView): string[] {
  const rows = timeline.items.map((e) => [
    shanghaiTime(e.at),
    e.type,
    e.actor,
    e.from || e.to ? `${e.from ?? ''}→${e.to ?? ''}` : '',
    dataText(e.data),
  ]);
  return ['Timeline', ...table(['AT', 'TYPE', 'ACTOR', 'FROM→TO', 'DATA'], rows).map((l) => `  ${l}`)];
}

const DATA_TEXT_LIMIT = 80;

function dataText(data: Record<string, unknown> | null | undefined): string {
  if (!data) return '';
  const text = Object.entries(data)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')
    .replace(/\s+/g, ' ');
  return text.length > DATA_TEXT_LIMIT ? `${text.slice(0, DATA_TEXT_LIMIT - 1)}…` : text;
}

/** The rows `list` prints. The full id is there because show and act need it. */
export function complaintTable(items: ComplaintView[]): string[] {
  const rows = items.map((c) => [
    c.shortId,
    c.id,
    c.status,
    c.category,
    c.priority,
    String(c.escalationLevel),
    c.deadlines.stage ? shanghaiShortTime(c.deadlines.stage) : '-',
    c.trackingNumber ?? '-',
  ]);
  return table(['NO.', 'ID', 'STATUS', 'CATEGORY', 'PRIORITY', 'LVL', 'STAGE DUE', 'TRACKING'], rows);
}

/** A problem as the person needs it: what went wrong, why, and each invalid field by its path. */
export function problemBlock(problem: ProblemDocument): string[] {
  const lines = [`${problem.title} (${problem.status})`];
  if (problem.detail) lines.push(`  ${problem.detail}`);
  for (const error of problem.errors ?? []) lines.push(`  ${error.path || '(body)'}: ${error.message}`);
  const allowed = problem.allowedActions;
  if (Array.isArray(allowed)) {
    lines.push(`  allowed now: ${allowed.length > 0 ? allowed.join(', ') : 'nothing (closed)'}`);
  }
  return lines;
}
