// Entry of `npm run complaints -- <command>`; everything else is in program.ts (runCli), which tests
// drive in process. Ctrl-C aborts the signal, so `outbox --follow` ends cleanly.
import { runCli } from './program.ts';

const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
// `complaints list | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), {
  fetch: globalThis.fetch,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interrupt.signal,
});
