// The types every CLI command module shares: the world the CLI runs in (CliIo) and what each command's
// action gets (CliContext). Their own module, so the commands and the program that registers them do not
// import each other.
import type { ApiClient } from './api.ts';

/** process.stdout / process.stderr, or anything that collects text in a test. */
export interface CliOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  fetch: typeof fetch;
  stdout: CliOutput;
  stderr: CliOutput;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C: `outbox --follow` ends cleanly, a pending request stops. */
  signal?: AbortSignal;
  now?: () => Date;
}

/** What every command's action gets: the API client and ways to print. */
export interface CliContext {
  api: () => ApiClient;
  out: (lines: string | string[]) => void;
  err: (lines: string | string[]) => void;
  json: (value: unknown) => void;
  bold: (text: string) => string;
  now: () => Date;
  env: CliIo['env'];
  signal: AbortSignal | undefined;
}
