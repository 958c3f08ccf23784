// `complaints verify <id>` and `complaints erase`: the audit trail's verdict, and a customer's erasure
// request (PIPL). Both go through the API like every other command.
import type { Command } from 'commander';
import type { AuditVerdictView, ErasureOutcomeView } from '../../../functions/api/schemas.ts';
import type { CliContext } from './context.ts';

export function verifyCommand(program: Command, cx: CliContext): void {
  program
    .command('verify')
    .description("verify a complaint's audit trail (hash chain) and name the first broken link")
    .argument('<id>', 'the complaint id')
    .option('--json', 'print the raw response')
    .action(async (id: string, options: { json?: boolean }) => {
      const { body } = await cx.api().get<AuditVerdictView>(`/v1/complaints/${encodeURIComponent(id)}/audit`);
      if (options.json) cx.json(body);
      else cx.out(verdictLines(body));
      // Scripts see a broken chain in the exit code (1), like any refusal.
      if (!body.intact) throw new Error(`the audit trail of ${id} is broken at event ${body.brokenAt?.seq}`);
    });
}

export function verdictLines(verdict: AuditVerdictView): string[] {
  if (verdict.intact) {
    const head = verdict.head ? `, head ${verdict.head.seq} ${verdict.head.hash.slice(0, 16)}…` : '';
    return [`audit trail of ${verdict.complaintId}: intact, ${verdict.events} events${head}`];
  }
  return [
    `audit trail of ${verdict.complaintId}: BROKEN at event ${verdict.brokenAt?.seq} (${verdict.events} events read)`,
    `  ${verdict.brokenAt?.reason ?? ''}`,
  ];
}

export function eraseCommand(program: Command, cx: CliContext): void {
  program
    .command('erase')
    .description("erase a customer's personal data from every complaint of theirs (supervisor, admin)")
    .requiredOption('--phone <number>', "the customer's phone number")
    .requiredOption('--reference <ref>', "the request's reference (e.g. the ticket number)")
    .option('--json', 'print the raw response')
    .action(async (options: { phone: string; reference: string; json?: boolean }) => {
      const { body } = await cx.api().post<ErasureOutcomeView>('/v1/erasure-requests', {
        phone: options.phone,
        reference: options.reference,
      });
      if (options.json) return cx.json(body);
      cx.out(
        body.changed
          ? [
              `erased (${body.reference}): ${body.complaintIds.length} complaint(s)`,
              ...body.complaintIds.map((id) => `  ${id}`),
            ]
          : `nothing to erase (${body.reference}): no complaint of this customer holds personal data`,
      );
    });
}
