// The NotificationDispatcher port on Step Functions: one delivery execution per message, named
// `{complaintId}.{key}`. A second start with the same name never sends twice: while the first runs AWS
// returns it, and afterwards answers ExecutionAlreadyExists, which means "already handed over". An
// operator's n-th re-send is a hand-over of its own, `{complaintId}.{key}.r{n}`: the first name stays
// taken for 90 days after its execution ended, so reusing it would silently send nothing.
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { PendingNotification } from '#domain/complaint';
import { WORKFLOW_PAYLOAD_VERSION, type NotificationDispatcher } from '#domain/ports';

export function deliveryExecutionName(complaintId: string, key: string, redrive = 0): string {
  const suffix = redrive > 0 ? `.r${redrive}` : '';
  const base = `${complaintId}.${key}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return base.slice(0, 80 - suffix.length) + suffix;
}

export class SfnNotificationDispatcher implements NotificationDispatcher {
  readonly #sfn: SFNClient;
  readonly #stateMachineArn: string;

  constructor(sfn: SFNClient, stateMachineArn: string) {
    this.#sfn = sfn;
    this.#stateMachineArn = stateMachineArn;
  }

  async dispatch(
    complaintId: string,
    notification: PendingNotification,
    sendAt: Date,
    redrive = 0,
  ): Promise<void> {
    try {
      await this.#sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.#stateMachineArn,
          name: deliveryExecutionName(complaintId, notification.key, redrive),
          // Deterministic input: the same notification always produces the same start request.
          input: JSON.stringify({
            v: WORKFLOW_PAYLOAD_VERSION,
            complaintId,
            notification,
            sendAt: sendAt.toISOString(),
          }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}
