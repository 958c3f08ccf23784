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
import type { ExecutionStatus } from '#domain/execution';
import {
  WORKFLOW_PAYLOAD_VERSION,
  type ComplaintWorkflow,
  type SignalOutcome,
  type StageOpening,
  type StageSignal,
} from '#domain/ports';

const ATTEMPT_SEPARATOR = '--';

export function executionName(complaintId: string, attempt: number): string {
  return attempt === 0 ? complaintId : `${complaintId}${ATTEMPT_SEPARATOR}${attempt}`;
}

/** The complaint and attempt an execution name stands for (complaint ids never contain the separator). */
export function parseExecutionName(name: string): { complaintId: string; attempt: number } | undefined {
  const [complaintId, attempt, ...rest] = name.split(ATTEMPT_SEPARATOR);
  if (!complaintId || rest.length > 0) return undefined;
  if (attempt === undefined) return { complaintId, attempt: 0 };
  const n = Number(attempt);
  return Number.isInteger(n) && n > 0 && String(n) === attempt ? { complaintId, attempt: n } : undefined;
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

  async start(
    complaintId: string,
    attempt: number,
    opening?: StageOpening,
    resumeAt?: string,
  ): Promise<void> {
    try {
      await this.#sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.#stateMachineArn,
          name: executionName(complaintId, attempt),
          input: JSON.stringify({
            v: WORKFLOW_PAYLOAD_VERSION,
            complaintId,
            ...(opening ? { opening } : {}),
            ...(resumeAt ? { resumeAt } : {}),
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
    return (await this.status(complaintId, attempt)) === 'RUNNING';
  }

  async status(complaintId: string, attempt: number): Promise<ExecutionStatus> {
    try {
      const execution = await this.#sfn.send(
        new DescribeExecutionCommand({
          executionArn: executionArn(this.#stateMachineArn, executionName(complaintId, attempt)),
        }),
      );
      // PENDING_REDRIVE: a redrive is on its way, which is running as far as the complaint is concerned.
      return execution.status === 'PENDING_REDRIVE' ? 'RUNNING' : (execution.status ?? 'MISSING');
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return 'MISSING';
      throw error;
    }
  }
}
