// `npm run complaints -- <command>`: the CLI for people at a terminal. runCli takes its world (fetch,
// streams, environment, an abort signal for Ctrl-C) as arguments, so tests drive it in process against a
// real stack. Exit codes: 0 done, 1 the API refused or could not be reached, 2 the command line is wrong.
import { styleText } from 'node:util';
import { Command, CommanderError, Option } from 'commander';
import { PRINCIPAL_ROLES } from '#domain/permissions';
import { ApiClient, ApiProblem, ApiUnreachable, defaultApiUrl, type Credentials } from './api.ts';
import { defaultIdentity, type IdentityOptions } from './identity.ts';
import { registerCommands } from './commands.ts';
import type { CliContext, CliIo, CliOutput } from './context.ts';
import { problemBlock } from './format.ts';
import { EXIT_API_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, usageError } from './options.ts';

export type { CliContext, CliIo, CliOutput } from './context.ts';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return reportFailure(error, io);
  }
}

function buildProgram(io: CliIo): Command {
  let api: ApiClient | undefined;
  const context: CliContext = {
    api: () => {
      if (!api) throw new Error('the API client is created before every action');
      return api;
    },
    out: (lines) => io.stdout.write(joinLines(lines)),
    err: (lines) => io.stderr.write(joinLines(lines)),
    json: (value) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    bold: (text) => paint(io.stdout, io.env, 'bold', text),
    now: io.now ?? (() => new Date()),
    env: io.env,
    signal: io.signal,
  };

  const program = new Command('complaints')
    .description('Work with complaints through the complaints API (times are shown in Asia/Shanghai).')
    .option(
      '--api <url>',
      `base URL of the API (env COMPLAINTS_API; default ${defaultApiUrl(io.env)}, the port from $PORT)`,
    )
    .addOption(
      new Option('--role <role>', 'call as this role (env COMPLAINTS_ROLE; default: per command)').choices(
        PRINCIPAL_ROLES,
      ),
    )
    .option('--user <id>', 'as this staff user, or intake client id (env COMPLAINTS_USER)')
    .option('--on-behalf-of <agent>', 'an intake system acting for this agent (delegation scope)')
    .option('--token <jwt>', 'a bearer token to send as is, e.g. from Cognito (env COMPLAINTS_TOKEN)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(paint(io.stderr, io.env, 'red', text)),
    })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .hook('preAction', (_program, action) => {
      const baseUrl = baseUrlOf(action.optsWithGlobals<{ api?: string }>().api, io.env);
      if (!baseUrl) usageError(action, 'error: --api / COMPLAINTS_API must be an http(s) URL');
      api = new ApiClient(baseUrl, io.fetch, io.signal, credentialsOf(action, io.env));
    });
  program.addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  complaints submit --channel hotline --phone 13812345678 --description "parcel three days late"',
      '  complaints list --status received',
      '  complaints show 01JD5Q8W4ZK3V9B7N2M6R0T1XY --timeline',
      '  complaints act 01JD5Q8W4ZK3V9B7N2M6R0T1XY accept --user agent-007',
      '  TOKEN=$(complaints token --role agent --user agent-007)',
      '  complaints outbox --follow',
      '  complaints verify 01JD5Q8W4ZK3V9B7N2M6R0T1XY',
    ].join('\n'),
  );
  registerCommands(program, context);
  return program;
}

/**
 * Who a command calls as: --token (or COMPLAINTS_TOKEN) as is; else --role/--user (or COMPLAINTS_ROLE,
 * COMPLAINTS_USER) with the command's own defaults, whose token the embedded stack issues.
 */
function credentialsOf(action: Command, env: CliIo['env']): Credentials {
  const options = action.optsWithGlobals<IdentityOptions & { token?: string }>();
  const token = options.token ?? env.COMPLAINTS_TOKEN;
  if (token) return { token };
  const identity = defaultIdentity(action.name(), action.args, {
    role: options.role ?? env.COMPLAINTS_ROLE,
    user: options.user ?? env.COMPLAINTS_USER,
    onBehalfOf: options.onBehalfOf,
  });
  return identity ? { identity } : { none: true };
}

function baseUrlOf(flag: string | undefined, env: CliIo['env']): string | undefined {
  const candidate = flag ?? (env.COMPLAINTS_API || defaultApiUrl(env));
  if (!URL.canParse(candidate)) return undefined;
  return ['http:', 'https:'].includes(new URL(candidate).protocol) ? candidate : undefined;
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and version end in a CommanderError too (exitOverride); their exit code is 0.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (io.signal?.aborted) return EXIT_INTERRUPTED;
  const label = paint(io.stderr, io.env, 'red', 'error:');
  if (error instanceof ApiProblem) {
    const [first, ...rest] = problemBlock(error.problem);
    io.stderr.write(joinLines([`${label} ${first}`, ...rest]));
  } else if (error instanceof ApiUnreachable) {
    io.stderr.write(
      joinLines([`${label} ${error.message}`, '  start it with `npm start`, or point --api at it']),
    );
  } else {
    io.stderr.write(joinLines(`${label} ${error instanceof Error ? error.message : String(error)}`));
  }
  return EXIT_API_ERROR;
}

function joinLines(lines: string | string[]): string {
  return `${typeof lines === 'string' ? lines : lines.join('\n')}\n`;
}

type Style = 'bold' | 'red';

/** Colour only for a person watching a terminal, and never when NO_COLOR is set. */
function paint(stream: CliOutput, env: CliIo['env'], style: Style, text: string): string {
  const colours = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  return colours ? styleText(style, text, { validateStream: false }) : text;
}
