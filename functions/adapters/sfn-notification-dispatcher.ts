// The NotificationDispatcher port on Step Functions: one delivery execution per message, named
// `{complaintId}.{key}`. A second start with the same name never sends twice: while the first runs AWS
// returns it, and afterwards answers ExecutionAlreadyExists, which means "already handed over".
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { PendingNotification } from '#domain/complaint';
import { WORKFLOW_PAYLOAD_VERSION, type NotificationDispatcher } from '#domain/ports';

export function deliveryExecutionName(complaintId: string, key: string): string {
  return `${complaintId}.${key}`.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
}

export class SfnNotificationDispatcher implements NotificationDispatcher {
  readonly #sfn: SFNClient;
  readonly #stateMachineArn: string;

  constructor(sfn: SFNClient, stateMachineArn: string) {
    this.#sfn = sfn;
    this.#stateMachineArn = stateMachineArn;
  }

  async dispatch(complaintId: string, notification: PendingNotification, sendAt: Date): Promise<void> {
    try {
      await this.#sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.#stateMachineArn,
          name: deliveryExecutionName(complaintId, notification.key),
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
