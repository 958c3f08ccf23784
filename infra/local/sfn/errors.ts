// Faults the local Step Functions endpoint answers with. The code is the exception's wire name, which
// the SDK turns into its named exception class (ExecutionAlreadyExists, TaskTimedOut, ...).
export class SfnFault extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = code;
    this.code = code;
  }
}

/**
 * An error the engine neither retries nor catches, like AWS's States.Runtime: used when an execution is
 * no longer running or a task cannot be run at all locally.
 */
export function statesRuntimeError(message: string): Error {
  // The engine reads these two flags by duck typing (RuntimeError#isRetryable / #isCatchable).
  return Object.assign(new Error(message), {
    name: 'States.Runtime',
    isRetryable: false,
    isCatchable: false,
  });
}
