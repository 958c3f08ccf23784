// The ComplaintWorkflow port on Step Functions: one execution per complaint, named by its id (later
// attempts after a failure or a restart: `{id}--{attempt}`), so a retried start is harmless.
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import {
  WORKFLOW_PAYLOAD_VERSION,
  type ComplaintWorkflow,
  type SignalOutcome,
  type StageOpening,
  type StageSignal,
} from '#domain/ports';

export function executionName(complaintId: string, attempt: number): string {
  return attempt === 0 ? complaintId : `${complaintId}--${attempt}`;
}

/**
 * arn:...:stateMachine:NAME[:alias or version] -> arn:...:execution:NAME:EXECUTION. Executions belong to the
 * state machine whichever version or alias started them, so the qualifier is not part of their ARN.
 */
export function executionArn(stateMachineArn: string, name: string): string {
  const [prefix, machine] = stateMachineArn.split(':stateMachine:') as [string, string | undefined];
  return `${prefix}:execution:${(machine ?? '').split(':')[0]}:${name}`;
}

export class SfnComplaintWorkflow implements ComplaintWorkflow {
  readonly #sfn: SFNClient;
  readonly #stateMachineArn: string;

  constructor(sfn: SFNClient, stateMachineArn: string) {
    this.#sfn = sfn;
    this.#stateMachineArn = stateMachineArn;
  }

  async start(complaintId: string, attempt: number, opening?: StageOpening): Promise<void> {
    try {
      await this.#sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.#stateMachineArn,
          name: executionName(complaintId, attempt),
          input: JSON.stringify({
            v: WORKFLOW_PAYLOAD_VERSION,
            complaintId,
            ...(opening ? { opening } : {}),
          }),
        }),
      );
    } catch (error) {
      // Started before (AWS answers this for a finished execution of the same name, or a running one
      // started with another input, e.g. a registration retried after its stage moved): nothing to do.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }

  async resume(taskToken: string, signal: StageSignal): Promise<SignalOutcome> {
    try {
      await this.#sfn.send(
        new SendTaskSuccessCommand({
          taskToken,
          output: JSON.stringify({ Payload: { v: WORKFLOW_PAYLOAD_VERSION, ...signal } }),
        }),
      );
      return 'delivered';
    } catch (error) {
      if (
        error instanceof TaskTimedOut ||
        error instanceof InvalidToken ||
        error instanceof TaskDoesNotExist
      ) {
        return 'stale';
      }
      throw error;
    }
  }

  async isRunning(complaintId: string, attempt: number): Promise<boolean> {
    try {
      const execution = await this.#sfn.send(
        new DescribeExecutionCommand({
          executionArn: executionArn(this.#stateMachineArn, executionName(complaintId, attempt)),
        }),
      );
      return execution.status === 'RUNNING';
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return false;
      throw error;
    }
  }
}
