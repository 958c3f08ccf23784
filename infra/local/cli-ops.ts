// The operator's commands against the embedded stack's reconciler route (POST /_local/reconcile, which
// takes what the reconcile Lambda takes on AWS): run a pass, list the complaints waiting for an operator,
// retry one after a fix.
import type { Command } from 'commander';
import type { ReconcileReport } from '#use-cases/reconcile';
import { fields, shanghaiTime } from './cli-format.ts';
import type { CliContext } from './cli-program.ts';

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
}
