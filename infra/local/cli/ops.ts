// The operator's commands against the embedded stack's reconciler route (POST /_local/reconcile, which
// takes what the reconcile Lambda takes on AWS): run a pass, list the complaints waiting for an operator,
// retry one after a fix. And the undelivered texts through the API (GET /v1/deliveries, POST
// /v1/deliveries/{id}/{key}/resend): list them, re-send one.
import { Option, type Command } from 'commander';
import { DELIVERY_ATTENTION_STATES, type DeliveryAttention } from '#domain/ports';
import type { ReconcileReport } from '#use-cases/reconcile';
import { fields, shanghaiTime } from './format.ts';
import type { CliContext } from './context.ts';

const RECONCILE_PATH = '/_local/reconcile';

interface ParkedComplaint {
  id: string;
  shortId: string;
  status: string;
  needsOperator: { since: string; reason: string; failures: number };
}

export function registerOpsCommands(program: Command, cx: CliContext): void {
  program
    .command('reconcile')
    .description('run one reconciler pass now (the stack also runs one every 15 minutes)')
    .option('--deep', 'ask Step Functions about every open complaint, not only those that look stalled')
    .option('--from-start', 'walk from the first open complaint, not from where the last pass stopped')
    .option('--json', 'print the raw report')
    .action(async (options: { deep?: boolean; fromStart?: boolean; json?: boolean }) => {
      const { body } = await cx.api().post<ReconcileReport>(RECONCILE_PATH, {
        command: 'reconcile',
        ...(options.deep ? { deep: true } : {}),
        ...(options.fromStart ? { fromStart: true } : {}),
      });
      if (options.json) return cx.json(body);
      cx.out([
        `reconciled${body.complete ? '' : ' (stopped at its deadline: the next pass carries on)'}`,
        ...fields([
          ['open', String(body.open)],
          ['checked', String(body.checked)],
          ['restarted', String(body.restarted)],
          ['signals', String(body.signalsRedelivered)],
          ['deliveries', String(body.deliveriesResumed)],
          ['parked', String(body.parked)],
          ['errors', String(body.errors)],
          ['needs operator', String(body.needsOperator)],
          ['stuck sending', String(body.deliveriesStuck)],
          ['undelivered', String(body.deliveriesAwaitingOperator)],
        ]),
      ]);
    });

  program
    .command('needs-operator')
    .description('list the complaints whose workflow kept failing and waits for an operator')
    .option('--json', 'print the raw list')
    .action(async (options: { json?: boolean }) => {
      const { body } = await cx
        .api()
        .post<{ items: ParkedComplaint[] }>(RECONCILE_PATH, { command: 'needs-operator' });
      if (options.json) return cx.json(body);
      if (body.items.length === 0) return cx.out('no complaint waits for an operator');
      cx.out(
        body.items.map((c) =>
          [
            c.id,
            c.shortId,
            c.status.padEnd(17),
            shanghaiTime(c.needsOperator.since),
            `${c.needsOperator.failures} failures`,
            c.needsOperator.reason,
          ].join('  '),
        ),
      );
    });

  program
    .command('retry')
    .description('after fixing the cause, restart the workflow of a complaint that waits for an operator')
    .argument('<id>', 'complaint id')
    .requiredOption('--operator <name>', 'who retries it (recorded on the timeline)')
    .action(async (id: string, options: { operator: string }) => {
      const { body } = await cx.api().post<{ outcome: string }>(RECONCILE_PATH, {
        command: 'retry',
        complaintId: id,
        operator: options.operator,
      });
      cx.out(
        {
          restarted: `${id}: workflow restarted`,
          'not-parked': `${id} was not waiting for an operator; nothing to do`,
          'not-found': `${id}: no such complaint`,
        }[body.outcome] ?? `${id}: ${body.outcome}`,
      );
    });

  program
    .command('deliveries')
    .description('list texts and alerts that were not delivered and wait for an operator')
    .addOption(new Option('--state <state>', 'only this state').choices([...DELIVERY_ATTENTION_STATES]))
    .option('--limit <n>', 'at most this many (1-100)', '50')
    .option('--json', 'print the raw page')
    .action(async (options: { state?: string; limit: string; json?: boolean }) => {
      const { body } = await cx
        .api()
        .get<{ items: DeliveryAttention[]; nextCursor: string | null }>('/v1/deliveries', {
          limit: options.limit,
          ...(options.state ? { state: options.state } : {}),
        });
      if (options.json) return cx.json(body);
      if (body.items.length === 0) return cx.out('no undelivered message waits for an operator');
      cx.out([
        ...body.items.map((d) =>
          [
            `${d.complaintId}/${d.key}`,
            d.state.padEnd(13),
            shanghaiTime(d.since),
            `${d.attempts} attempts`,
            d.lastError ?? '',
            d.redrive > 0 ? `re-sent ${d.redrive}x before` : '',
          ]
            .filter((part) => part !== '')
            .join('  '),
        ),
        ...(body.nextCursor ? ['(more: use --json for the cursor)'] : []),
      ]);
    });

  program
    .command('resend')
    .description('re-send an undelivered message once (after checking an uncertain one with the customer)')
    .argument('<delivery>', 'complaintId/key, as `deliveries` lists it')
    .action(async (delivery: string) => {
      const slash = delivery.indexOf('/');
      if (slash <= 0 || slash === delivery.length - 1)
        throw new Error(`'${delivery}' is not complaintId/key (see \`complaints deliveries\`)`);
      const id = delivery.slice(0, slash);
      const key = delivery.slice(slash + 1);
      const { body } = await cx
        .api()
        .post<{ redrive: number; sendAt: string }>(
          `/v1/deliveries/${encodeURIComponent(id)}/${encodeURIComponent(key)}/resend`,
          {},
        );
      cx.out(`${id}/${key}: re-sent (re-send ${body.redrive}), goes out ${shanghaiTime(body.sendAt)}`);
    });
}
