// `incident …`: mass incidents (SPEC section 13) from the command line, as a supervisor by default.
// declare, list, show, link (by id, or every matching complaint), notify, resolve, close, detect, and
// confirm or dismiss a proposal. The batch actions are called until the API says they are done, so a
// command cut off half-way is simply run again: each complaint is linked, told and resolved once.
import { Option, type Command } from 'commander';
import { CATEGORIES } from '#domain/complaint';
import { INCIDENT_CAUSES, INCIDENT_STATUSES } from '#domain/incidents';
import { fields } from './format.ts';
import { usageError, yuanAmount } from './options.ts';
import type { CliContext } from './context.ts';

interface IncidentView {
  id: string;
  status: string;
  cause: { kind: string; summary: string };
  area: { outletIds: string[]; regionIds: string[] };
  categories: string[];
  window: { from: string; to?: string };
  escalateToHq: boolean;
  noticeIssuedAt?: string;
  proposal?: { count: number; threshold: number; unit: { kind: string; id: string }; category: string };
}

interface IncidentAnswer {
  incident: IncidentView;
  counts: Record<string, unknown>;
  progress?: { processed: number; done: boolean; nextCursor?: string; outcomes: Record<string, number> };
}

const incidentPath = (id: string) => `/v1/incidents/${encodeURIComponent(id)}`;
const list = (values: string | undefined) =>
  (values ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function incidentBlock(answer: IncidentAnswer): string[] {
  const i = answer.incident;
  return [
    `incident ${i.id} (${i.status})`,
    ...fields([
      ['cause', `${i.cause.kind}: ${i.cause.summary}`],
      [
        'area',
        [...i.area.outletIds.map((o) => `outlet ${o}`), ...i.area.regionIds.map((r) => `region ${r}`)].join(
          ', ',
        ),
      ],
      ['categories', i.categories.length ? i.categories.join(', ') : 'all'],
      ['window', `${i.window.from} - ${i.window.to ?? 'open'}`],
      ['escalate to HQ', i.escalateToHq ? 'yes' : 'no'],
      ['notice', i.noticeIssuedAt ?? 'not sent'],
      ['counts', JSON.stringify(answer.counts)],
    ]),
  ];
}

export function incidentCommand(program: Command, cx: CliContext): void {
  const incident = program.command('incident').description('mass incidents (突发事件): supervisor role');

  const declare = incident.command('declare');
  declare
    .description('declare an incident for outlets and/or regions')
    .addOption(new Option('--cause <kind>', 'what happened').choices(INCIDENT_CAUSES).makeOptionMandatory())
    .requiredOption('--summary <text>', 'what happened, in a sentence (staff only)')
    .option('--outlets <ids>', 'comma-separated outlet ids')
    .option('--regions <ids>', 'comma-separated region ids')
    .option('--categories <list>', `comma-separated categories (default all): ${CATEGORIES.join(', ')}`)
    .requiredOption('--from <instant>', 'complaints received from (ISO 8601)')
    .option('--to <instant>', 'complaints received before (ISO 8601)')
    .option('--escalate-to-hq', 'put linked complaints at level 3 (总部)')
    .option('--json', 'print the raw response')
    .action(
      async (o: {
        cause: string;
        summary: string;
        outlets?: string;
        regions?: string;
        categories?: string;
        from: string;
        to?: string;
        escalateToHq?: boolean;
        json?: boolean;
      }) => {
        const categories = list(o.categories);
        const unknown = categories.filter((c) => !(CATEGORIES as readonly string[]).includes(c));
        if (unknown.length) usageError(declare, `unknown categories: ${unknown.join(', ')}`);
        const { body } = await cx.api().post<IncidentAnswer>('/v1/incidents', {
          cause: { kind: o.cause, summary: o.summary },
          area: { outletIds: list(o.outlets), regionIds: list(o.regions) },
          categories,
          window: { from: o.from, ...(o.to ? { to: o.to } : {}) },
          escalateToHq: o.escalateToHq ?? false,
        });
        if (o.json) return cx.json(body);
        cx.out(incidentBlock(body));
      },
    );

  incident
    .command('list')
    .description("incidents, newest first (--status proposed: the detector's proposals)")
    .addOption(new Option('--status <status>', 'only this status').choices(INCIDENT_STATUSES))
    .option('--json', 'print the raw response')
    .action(async (o: { status?: string; json?: boolean }) => {
      const { body } = await cx
        .api()
        .get<{ items: IncidentView[] }>(`/v1/incidents${o.status ? `?status=${o.status}` : ''}`);
      if (o.json) return cx.json(body);
      if (body.items.length === 0) return cx.out('no incidents');
      cx.out(
        body.items.map((i) => `${i.id}  ${i.status.padEnd(9)} ${i.cause.kind.padEnd(16)} ${i.cause.summary}`),
      );
    });

  incident
    .command('show')
    .description('an incident with its counts')
    .argument('<id>', 'the incident id')
    .option('--json', 'print the raw response')
    .action(async (id: string, o: { json?: boolean }) => {
      const { body } = await cx.api().get<IncidentAnswer>(incidentPath(id));
      if (o.json) return cx.json(body);
      cx.out(incidentBlock(body));
    });

  const act = (id: string, body: Record<string, unknown>) =>
    cx.api().post<IncidentAnswer>(`${incidentPath(id)}/actions`, body);

  /** Calls a batch action until done, printing each batch. */
  const untilDone = async (id: string, body: Record<string, unknown>): Promise<IncidentAnswer> => {
    let cursor: string | undefined;
    for (;;) {
      const { body: answer } = await act(id, { ...body, ...(cursor ? { cursor } : {}) });
      const progress = answer.progress;
      cx.out(
        `${String(body.action)}: ${progress?.processed ?? 0} complaints ${JSON.stringify(progress?.outcomes ?? {})}`,
      );
      if (!progress || progress.done) return answer;
      cursor = progress.nextCursor;
    }
  };

  const link = incident.command('link');
  link
    .description('link complaints: the ids given, or (--matching) every open complaint the incident explains')
    .argument('<id>', 'the incident id')
    .argument('[complaintIds...]', 'complaint ids')
    .option('--matching', "every open complaint in the incident's area, categories and window")
    .action(async (id: string, complaintIds: string[], o: { matching?: boolean }) => {
      if (!o.matching && complaintIds.length === 0) usageError(link, 'give complaint ids or --matching');
      const answer = o.matching
        ? await untilDone(id, { action: 'link-matching' })
        : (await act(id, { action: 'link', complaintIds })).body;
      cx.out(incidentBlock(answer));
    });

  incident
    .command('notify')
    .description('tell every linked customer once (quiet hours and opt-outs respected)')
    .argument('<id>', 'the incident id')
    .action(async (id: string) => cx.out(incidentBlock(await untilDone(id, { action: 'notify' }))));

  const resolve = incident.command('resolve');
  resolve
    .description('resolve every linked open complaint with the same answer and per-complaint compensation')
    .argument('<id>', 'the incident id')
    .requiredOption('--resolution <text>', 'the answer every customer gets')
    .option('--amount <yuan>', 'the same compensation for each complaint, in CNY', yuanAmount)
    .option('--suggested', "each complaint's compensation as the rules suggest it")
    .action(async (id: string, o: { resolution: string; amount?: number; suggested?: boolean }) => {
      if (o.amount !== undefined && o.suggested)
        usageError(resolve, 'give --amount or --suggested, not both');
      const compensation =
        o.amount !== undefined
          ? { kind: 'fixed', amount: o.amount }
          : o.suggested
            ? { kind: 'suggested' }
            : { kind: 'none' };
      cx.out(
        incidentBlock(await untilDone(id, { action: 'resolve', resolution: o.resolution, compensation })),
      );
    });

  incident
    .command('close')
    .description('close the incident (after its bulk resolution, if one ran)')
    .argument('<id>', 'the incident id')
    .option('--reason <text>', 'why')
    .action(async (id: string, o: { reason?: string }) =>
      cx.out(
        incidentBlock((await act(id, { action: 'close', ...(o.reason ? { reason: o.reason } : {}) })).body),
      ),
    );

  incident
    .command('confirm')
    .description("confirm the detector's proposal: it becomes an open incident")
    .argument('<id>', 'the proposal id')
    .option('--escalate-to-hq', 'put linked complaints at level 3 (总部)')
    .action(async (id: string, o: { escalateToHq?: boolean }) =>
      cx.out(
        incidentBlock(
          (await act(id, { action: 'confirm', ...(o.escalateToHq ? { escalateToHq: true } : {}) })).body,
        ),
      ),
    );

  incident
    .command('dismiss')
    .description("dismiss the detector's proposal")
    .argument('<id>', 'the proposal id')
    .requiredOption('--reason <text>', 'why it is no incident')
    .action(async (id: string, o: { reason: string }) =>
      cx.out(incidentBlock((await act(id, { action: 'dismiss', reason: o.reason })).body)),
    );

  incident
    .command('detect')
    .description('run the spike detector now and print what it proposed')
    .action(async () => {
      const { body } = await cx.api().post<{ items: IncidentView[] }>('/v1/incidents/detect', {});
      if (body.items.length === 0) return cx.out('no new spike');
      cx.out(
        body.items.map(
          (i) =>
            `${i.id}: ${i.proposal?.count ?? '?'} ${i.proposal?.category ?? ''} complaints at ${i.proposal?.unit.kind ?? ''} ${i.proposal?.unit.id ?? ''} (threshold ${i.proposal?.threshold ?? '?'})`,
        ),
      );
    });
}
