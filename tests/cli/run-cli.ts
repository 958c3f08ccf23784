// Runs the CLI in process, the way a person at a terminal would, and keeps what it printed.
import { runCli, type CliIo } from '../../infra/local/cli/program.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliSession {
  run(...argv: string[]): Promise<CliRun>;
  /** Starts a command that runs until aborted (outbox --follow); stdout() shows what it printed so far. */
  start(...argv: string[]): { stdout: () => string; stop: () => Promise<CliRun> };
}

export function cliSession(
  env: Record<string, string | undefined>,
  fetchImpl: typeof fetch = fetch,
): CliSession {
  const launch = (argv: string[], signal?: AbortSignal) => {
    const printed = { stdout: '', stderr: '' };
    const io: CliIo = {
      fetch: fetchImpl,
      stdout: { write: (chunk: string) => (printed.stdout += chunk) },
      stderr: { write: (chunk: string) => (printed.stderr += chunk) },
      env,
      ...(signal ? { signal } : {}),
    };
    const done = runCli(argv, io).then((code) => ({ code, ...printed }));
    return { printed, done };
  };
  return {
    run: (...argv) => launch(argv).done,
    start: (...argv) => {
      const interrupt = new AbortController();
      const { printed, done } = launch(argv, interrupt.signal);
      return {
        stdout: () => printed.stdout,
        stop: () => {
          interrupt.abort();
          return done;
        },
      };
    },
  };
}
