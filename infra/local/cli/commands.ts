// The CLI's commands: what each one asks the API (SPEC section 10) and what it prints. Option values
// with a fixed set (channels, statuses, actions...) come from the domain, so help lists them and a typo
// is caught here; everything else is the API's to judge.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { ACTIONS, DAMAGE_SEVERITIES, MANUAL_CLOSE_REASONS, type ActionName } from '#domain/commands';
import { REMEDIES } from '#domain/claims';
import {
  CATEGORIES,
  CHANNELS,
  COMPLAINT_TYPES,
  LOCALES,
  PRIORITIES,
  RESPONSIBLE_PARTIES,
  STATUSES,
} from '#domain/complaint';
import type { ComplaintPageView, ComplaintView, TimelineView } from '../../../functions/api/schemas.ts';
import { actionBodyOf, actionHelp, type ActOptions } from './act.ts';
import { eraseCommand, verifyCommand } from './audit.ts';
import {
  classificationText,
  complaintBlock,
  complaintTable,
  deadlineFields,
  fields,
  shanghaiShortTime,
  table,
  timelineBlock,
  untilDeadline,
} from './format.ts';
import { defaultIdentity, type IdentityOptions } from './identity.ts';
import { registerOpsCommands } from './ops.ts';
import { incidentCommand } from './incident.ts';
import { fetchOutbox, followOutbox, outboxLine } from './outbox.ts';
import { usageError, wholeNumber, yesNo, yuanAmount } from './options.ts';
import type { CliContext } from './context.ts';

const LIST_PAGE_MAX = 100;
const DEFAULT_POLL_MS = 1000;

const complaintPath = (id: string) => `/v1/complaints/${encodeURIComponent(id)}`;

export function registerCommands(program: Command, cx: CliContext): void {
  submitCommand(program, cx);
  listCommand(program, cx);
  showCommand(program, cx);
  findCommand(program, cx);
  actCommand(program, cx);
  feedbackCommand(program, cx);
  outboxCommand(program, cx);
  orgCommand(program, cx);
  registerOpsCommands(program, cx);
  verifyCommand(program, cx);
  eraseCommand(program, cx);
  tokenCommand(program, cx);
  incidentCommand(program, cx);
}

// ---------------------------------------------------------------------------------------------------

interface SubmitOptions {
  channel: string;
  phone: string;
  description: string;
  category?: string;
  priority?: string;
  tracking?: string;
  name?: string;
  locale?: string;
  receivedAt?: string;
  outlet?: string;
  region?: string;
  declaredValue?: number;
  postage?: number;
  insured?: boolean;
  externalRef?: string;
  idempotencyKey?: string;
  json?: boolean;
}

function submitCommand(program: Command, cx: CliContext): void {
  program
    .command('submit')
    .description('register a complaint and print its number, classification and deadlines')
    .addOption(new Option('--channel <channel>', 'how it came in').choices(CHANNELS).makeOptionMandatory())
    .requiredOption('--phone <number>', "customer's mobile (13812345678) or E.164 number")
    .requiredOption('--description <text>', 'what the customer said (1-4000 characters)')
    .addOption(new Option('--category <category>', 'skip the classifier').choices(CATEGORIES))
    .addOption(new Option('--priority <priority>', 'default: from the category').choices(PRIORITIES))
    .option('--tracking <number>', 'waybill number, e.g. EA123456789CN')
    .option('--name <name>', "customer's name")
    .addOption(new Option('--locale <locale>', "language of the customer's texts").choices(LOCALES))
    .option('--received-at <iso>', 'when the customer complained (default: now)')
    .option('--outlet <id>', 'outlet the complaint is about')
    .option('--region <id>', 'region the complaint is about')
    .option('--declared-value <yuan>', 'declared value of the item', yuanAmount)
    .option('--postage <yuan>', 'postage paid', yuanAmount)
    .option('--insured', 'the item was insured')
    .option('--external-ref <ref>', "the upstream system's reference")
    .option('--idempotency-key <key>', 'makes a retry return the same complaint')
    .option('--json', 'print the raw response')
    .action(async (options: SubmitOptions) => {
      const response = await cx
        .api()
        .post<ComplaintView>(
          '/v1/complaints',
          newComplaintBody(options),
          options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {},
        );
      if (options.json) return cx.json(response.body);
      const c = response.body;
      const replayed = response.headers.get('Idempotent-Replayed') === 'true';
      cx.out([
        `${cx.bold(`Complaint ${c.shortId}`)} ${replayed ? 'already registered with this idempotency key' : 'registered'}`,
        ...fields([
          ['id', c.id],
          ['status', c.status],
          ['category', classificationText(c)],
          ['priority', c.priority],
          ...deadlineFields(c, cx.now()),
        ]),
      ]);
    });
}

function newComplaintBody(o: SubmitOptions): Record<string, unknown> {
  const optional = (value: unknown) => value !== undefined;
  const entries: [string, unknown][] = [
    ['channel', o.channel],
    ['description', o.description],
    ['category', o.category],
    ['priority', o.priority],
    ['trackingNumber', o.tracking],
    ['receivedAt', o.receivedAt],
    [
      'customer',
      { phone: o.phone, ...(o.name ? { name: o.name } : {}), ...(o.locale ? { locale: o.locale } : {}) },
    ],
    ['outletId', o.outlet],
    ['regionId', o.region],
    ['declaredValue', o.declaredValue],
    ['postage', o.postage],
    ['insured', o.insured],
    ['externalRef', o.externalRef],
  ];
  return Object.fromEntries(entries.filter(([, value]) => optional(value)));
}

// ---------------------------------------------------------------------------------------------------

interface ListOptions {
  status?: string;
  category?: string;
  tracking?: string;
  escalated?: boolean;
  outlet?: string;
  region?: string;
  owner?: string;
  channel?: string;
  type?: string;
  overdue?: boolean;
  followUp?: string;
  payment?: string;
  dueBefore?: string;
  limit?: number;
  all?: boolean;
  json?: boolean;
}

function listCommand(program: Command, cx: CliContext): void {
  program
    .command('list')
    .description('list complaints, newest first, as a table')
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .addOption(new Option('--category <category>', 'only this category').choices(CATEGORIES))
    .option('--tracking <number>', 'only complaints about this waybill')
    .option('--escalated', 'only complaints at escalation level 1 or higher')
    .option('--no-escalated', 'only complaints not escalated')
    .option('--outlet <id>', 'only complaints of this responsible outlet')
    .option('--region <id>', 'only complaints of this responsible region')
    .option('--owner <id>', 'only complaints this person owns')
    .addOption(new Option('--channel <channel>', 'only complaints from this channel').choices(CHANNELS))
    .addOption(
      new Option('--type <type>', 'only complaints, suggestions or enquiries').choices(COMPLAINT_TYPES),
    )
    .option('--overdue', 'only complaints with a breached clock still running')
    .addOption(
      new Option('--follow-up <which>', 'the follow-up worklist (回访), earliest due first').choices([
        'open',
        'overdue',
      ]),
    )
    .addOption(
      new Option('--payment <which>', 'claims awaiting payment, earliest payBy first').choices([
        'awaiting',
        'overdue',
      ]),
    )
    .option('--due-before <instant>', 'with --follow-up or --payment: due before this ISO 8601 instant')
    .option('--limit <n>', `page size, 1-${LIST_PAGE_MAX} (default 20)`, wholeNumber(1, LIST_PAGE_MAX))
    .option('--all', 'follow nextCursor through every page')
    .option('--json', 'print the raw response ({ items, nextCursor }; with --all, every item)')
    .action(async (options: ListOptions) => {
      const query = {
        status: options.status,
        category: options.category,
        trackingNumber: options.tracking,
        escalated: options.escalated === undefined ? undefined : String(options.escalated),
        outletId: options.outlet,
        regionId: options.region,
        owner: options.owner,
        channel: options.channel,
        type: options.type,
        overdue: options.overdue ? 'true' : undefined,
        followUp: options.followUp,
        payment: options.payment,
        dueBefore: options.dueBefore,
        limit: options.limit === undefined ? undefined : String(options.limit),
      };
      const items: ComplaintView[] = [];
      let cursor: string | null | undefined;
      let page: ComplaintPageView;
      do {
        page = (
          await cx.api().get<ComplaintPageView>('/v1/complaints', { ...query, cursor: cursor ?? undefined })
        ).body;
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (options.all && cursor);

      if (options.json) return cx.json(options.all ? { items, nextCursor: null } : page);
      if (items.length === 0) return cx.out('No complaints match.');
      const worklist = options.followUp ? 'follow-up' : options.payment ? 'payment' : undefined;
      cx.out(worklist ? worklistTable(items, worklist, new Date()) : complaintTable(items));
      if (cursor) cx.out(`(more: add --all, or --limit up to ${LIST_PAGE_MAX})`);
    });
}

/** A worklist's rows: whose task, due when, how far from now (follow-ups, or claims awaiting payment). */
function worklistTable(items: ComplaintView[], worklist: 'follow-up' | 'payment', now: Date): string[] {
  const rows = items.map((c) => {
    const due = worklist === 'follow-up' ? c.followUp?.dueAt : c.claim?.payBy;
    const what =
      worklist === 'follow-up'
        ? (c.followUp?.reason ?? '-')
        : `${c.claim?.remedy ?? '-'}${c.claim?.amount ? ` ${c.claim.amount.amount} ${c.claim.amount.currency}` : ''}`;
    return [
      c.shortId,
      c.id,
      c.outletId ?? '-',
      c.regionId ?? '-',
      what,
      due ? shanghaiShortTime(due) : '-',
      due ? untilDeadline(due, now) : '-',
    ];
  });
  const header = worklist === 'follow-up' ? 'REASON' : 'REMEDY';
  return table(['NO.', 'ID', 'OUTLET', 'REGION', header, 'DUE', 'WHEN'], rows);
}

// ---------------------------------------------------------------------------------------------------

function showCommand(program: Command, cx: CliContext): void {
  program
    .command('show')
    .description('print one complaint in readable form')
    .argument('<id>', 'the complaint id (26-character ULID)')
    .option('--timeline', 'add the timeline (at, type, actor, from→to)')
    .option('--json', 'print the raw response (with --timeline: { complaint, timeline })')
    .action(async (id: string, options: { timeline?: boolean; json?: boolean }) => {
      const [complaint, timeline] = await Promise.all([
        cx.api().get<ComplaintView>(complaintPath(id)),
        options.timeline ? wholeTimeline(cx, id) : undefined,
      ]);
      if (options.json) {
        return cx.json(timeline ? { complaint: complaint.body, timeline } : complaint.body);
      }
      cx.out(complaintBlock(complaint.body, cx.now()));
      if (timeline) cx.out(['', ...timelineBlock(timeline)]);
    });
}

/** Every page of the complaint's timeline, as one. */
async function wholeTimeline(cx: CliContext, id: string): Promise<TimelineView> {
  const items: TimelineView['items'] = [];
  let cursor: string | undefined;
  do {
    const page = await cx.api().get<TimelineView>(`${complaintPath(id)}/timeline`, { limit: '500', cursor });
    items.push(...page.body.items);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return { items, nextCursor: null };
}

// ---------------------------------------------------------------------------------------------------

function findCommand(program: Command, cx: CliContext): void {
  program
    .command('find')
    .description('find a complaint by the short number in its texts (e.g. K7Q2M-9X4TB) and print it')
    .argument('<number>', 'the short number as the customer read it (case, I/L/O and the hyphen forgiven)')
    .option('--json', 'print the raw response ({ items, nextCursor })')
    .action(async (number: string, options: { json?: boolean }) => {
      const page = (await cx.api().get<ComplaintPageView>('/v1/complaints', { shortId: number })).body;
      if (options.json) return cx.json(page);
      const [only, ...more] = page.items;
      if (only === undefined) return cx.out(`No complaint has the number ${number}.`);
      if (more.length > 0) return cx.out(complaintTable(page.items));
      cx.out(complaintBlock(only, cx.now()));
    });
}

// ---------------------------------------------------------------------------------------------------

interface OrgUnitView {
  kind: string;
  id: string;
  name: string;
  regionId?: string;
  recipients: { protocol: string; endpoint: string }[];
}

function orgCommand(program: Command, cx: CliContext): void {
  const org = program.command('org').description('the organisation directory: HQ, regions, outlets');
  org
    .command('show')
    .description('print the directory')
    .option('--json', 'print the raw response')
    .action(async (options: { json?: boolean }) => {
      const directory = (
        await cx.api().get<{ hq?: OrgUnitView; regions: OrgUnitView[]; outlets: OrgUnitView[] }>('/v1/org')
      ).body;
      if (options.json) return cx.json(directory);
      const line = (u: OrgUnitView) =>
        `${u.kind.padEnd(6)} ${u.id.padEnd(12)} ${u.name}${u.regionId ? ` (region ${u.regionId})` : ''}` +
        (u.recipients.length ? `  alerts: ${u.recipients.map((r) => r.endpoint).join(', ')}` : '');
      const units = [...(directory.hq ? [directory.hq] : []), ...directory.regions, ...directory.outlets];
      cx.out(units.length ? units.map(line) : 'The directory is empty.');
    });
  org
    .command('put')
    .description(
      'add or change one unit from a JSON file ({ kind, id, name, regionId?, recipients }); admin role',
    )
    .argument('<file>', 'the unit as JSON')
    .action(async (file: string) => {
      const unit = (await cx.api().post<OrgUnitView>('/v1/org/units', JSON.parse(readFileSync(file, 'utf8'))))
        .body;
      cx.out(`${unit.kind} ${unit.id} stored`);
    });
}

// ---------------------------------------------------------------------------------------------------

function actCommand(program: Command, cx: CliContext): void {
  program
    .command('act')
    .description('apply an action to a complaint and print its new status')
    .argument('<id>', 'the complaint id')
    .argument('<action>', `what to do: ${ACTIONS.join(', ')}`)
    .option('--assignee <id>', 'assign: the new owner')
    .option('--message <text>', 'request-info: the question; customer-reply: the answer')
    .option('--resolution <text>', 'resolve: what was done')
    .option('--amount <yuan>', 'resolve, offer-compensation: compensation offered, in CNY', yuanAmount)
    .addOption(
      new Option('--damage-severity <severity>', 'resolve: how bad the damage is').choices(DAMAGE_SEVERITIES),
    )
    .option('--reason <text>', 'reopen, close: why')
    .addOption(
      new Option('--close-reason <reason>', 'close: the recorded reason').choices(MANUAL_CLOSE_REASONS),
    )
    .option('--text <text>', 'note: the note; regulator-reply: the reply sent to the regulator')
    .option('--next-steps <text>', 'close --close-reason unresolved: what the customer was told comes next')
    .addOption(new Option('--category <category>', 'reclassify: the new category').choices(CATEGORIES))
    .addOption(
      new Option('--type <type>', 'reclassify: complaint, suggestion or enquiry').choices(COMPLAINT_TYPES),
    )
    .option('--outlet-id <id>', 'route: the responsible outlet (its region follows)')
    .option('--region-id <id>', 'route: the responsible region')
    .addOption(new Option('--party <party>', 'resolve: who was responsible').choices(RESPONSIBLE_PARTIES))
    .option('--root-cause <code>', 'resolve: root-cause code (taxonomy per party)')
    .option('--accountable-staff-id <id>', 'resolve: accountable staff id, where known')
    .option('--corrective-action <text>', 'resolve: what is done so it does not recur')
    .addOption(
      new Option('--remedy <remedy>', 'offer-compensation: money, resend or replacement').choices(REMEDIES),
    )
    .option('--payment-reference <ref>', "record-payment: the paying system's reference")
    .option('--reached <yes|no>', 'follow-up: whether the customer answered the call', yesNo)
    .option('--satisfied <yes|no>', 'follow-up: whether the customer is now satisfied', yesNo)
    .option('--score <1-5>', 'follow-up: the score the customer gave on the call', wholeNumber(1, 5))
    .option('--notes <text>', 'follow-up: what was said')
    .option(
      '--expected-version <n>',
      'refuse (409) if the complaint has changed since this version',
      wholeNumber(1),
    )
    .option('--json', 'print the raw response')
    .addHelpText('after', ['', 'Actions and what they need:', ...actionHelp()].join('\n'))
    .action(
      async (id: string, action: string, options: ActOptions & { json?: boolean }, command: Command) => {
        if (!isAction(action)) {
          usageError(command, `error: unknown action '${action}'; use one of ${ACTIONS.join(', ')}`);
        }
        const { json, ...actOptions } = options;
        const built = actionBodyOf(action, actOptions);
        if ('usageError' in built) usageError(command, `error: ${built.usageError}`);
        const c = (await cx.api().post<ComplaintView>(`${complaintPath(id)}/actions`, built.body)).body;
        if (json) return cx.json(c);
        cx.out(statusLines(c, `${action}: done`));
      },
    );
}

const isAction = (name: string): name is ActionName => (ACTIONS as readonly string[]).includes(name);

function statusLines(c: ComplaintView, what: string): string[] {
  const status = c.closeReason ? `${c.status} (${c.closeReason})` : c.status;
  return [
    `${c.shortId} ${what}; now ${status}`,
    ...fields([
      ['version', String(c.version)],
      ['owner', c.owner],
      ['next actions', c.allowedActions.length > 0 ? c.allowedActions.join(', ') : 'none'],
    ]),
  ];
}

// ---------------------------------------------------------------------------------------------------

interface FeedbackOptions {
  score: number;
  comment?: string;
  expectedVersion?: number;
  json?: boolean;
}

function feedbackCommand(program: Command, cx: CliContext): void {
  program
    .command('feedback')
    .description("record the customer's satisfaction (only while awaiting feedback)")
    .argument('<id>', 'the complaint id')
    .requiredOption('--score <n>', '1 (very unhappy) to 5 (very happy)', wholeNumber(1, 5))
    .option('--comment <text>', "the customer's words")
    .option(
      '--expected-version <n>',
      'refuse (409) if the complaint has changed since this version',
      wholeNumber(1),
    )
    .option('--json', 'print the raw response')
    .action(async (id: string, options: FeedbackOptions) => {
      const body = {
        score: options.score,
        ...(options.comment !== undefined ? { comment: options.comment } : {}),
        ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      };
      const c = (await cx.api().post<ComplaintView>(`${complaintPath(id)}/feedback`, body)).body;
      if (options.json) return cx.json(c);
      cx.out(statusLines(c, `feedback ${options.score}/5 recorded`));
    });
}

// ---------------------------------------------------------------------------------------------------

function tokenCommand(program: Command, cx: CliContext): void {
  program
    .command('token')
    .description(
      "print a bearer token of the embedded stack's issuer, alone on stdout (TOKEN=$(complaints token ...))",
    )
    .option('--expires-in <seconds>', 'lifetime (default 3600, at most 86400)', wholeNumber(1, 86_400))
    .addHelpText(
      'after',
      [
        '',
        'Needs --role (intake, agent, supervisor, auditor, admin); --user names the staff user or, for',
        'intake, the upstream system\'s client id (default: cli-<role>, or "cli" for intake); with',
        '--on-behalf-of an intake token also carries the delegation scope. A deployed API has no local',
        'issuer: get tokens from its Cognito user pool (docs/deploy.md).',
      ].join('\n'),
    )
    .action(async (options: { expiresIn?: number }, command: Command) => {
      const given = command.optsWithGlobals<IdentityOptions>();
      const role = given.role ?? cx.env.COMPLAINTS_ROLE;
      if (role === undefined) usageError(command, 'error: token needs --role <role>');
      const identity = defaultIdentity('token', [], {
        ...given,
        role,
        user: given.user ?? cx.env.COMPLAINTS_USER,
      });
      if (!identity) usageError(command, 'error: token needs --role <role>');
      cx.out(await cx.api().issueToken(identity, options.expiresIn));
    });
}

// ---------------------------------------------------------------------------------------------------

interface OutboxOptions {
  complaint?: string;
  follow?: boolean;
  interval: number;
  json?: boolean;
}

function outboxCommand(program: Command, cx: CliContext): void {
  program
    .command('outbox')
    .description('print the texts, pushes and staff alerts the local stack sent (embedded mode only)')
    .option('--complaint <id>', "only this complaint's messages")
    .option('--follow', 'keep polling and print new messages until Ctrl-C')
    .option('--interval <ms>', 'poll interval for --follow', wholeNumber(50), DEFAULT_POLL_MS)
    .option('--json', 'one JSON object per message')
    .action(async (options: OutboxOptions) => {
      const print = (item: Parameters<typeof outboxLine>[0]) =>
        options.json ? cx.out(JSON.stringify(item)) : cx.out(outboxLine(item));
      if (options.follow) {
        return followOutbox(cx.api(), {
          complaintId: options.complaint,
          intervalMs: options.interval,
          signal: cx.signal,
          print,
          warn: (line) => cx.err(line),
        });
      }
      const items = await fetchOutbox(cx.api(), options.complaint);
      if (items.length === 0 && !options.json) return cx.out('The outbox is empty.');
      items.forEach(print);
    });
}
