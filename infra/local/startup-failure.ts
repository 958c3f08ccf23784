// What `npm start` says when it cannot start: one line naming the cause and what to do, and an exit code
// (2: the configuration is wrong; 1: the machine or the data directory is not in a state to start on).
// The checks of the configuration run before anything listens or touches the data directory.
import { parseCompensationRules } from '#domain/compensation';
import { InvalidConfiguration, loadSlaPolicy } from '#domain/policy';
import { ConfigurationError } from '#commons/config';
import { SMS_PROVIDERS, TemplateMappingInvalid } from '#domain/notifications/provider-templates';
import { isSmsSignature, SMS_SIGN_NAME_REPLACED, SMS_SIGNATURE_RULE } from '#domain/notifications/templates';
import { DataDirInUse } from './data-dir-lock.ts';
import { StoreDamaged } from './dynamo/level-store-check.ts';
import { OutboxDamaged } from './sns/outbox-file.ts';
import { ExecutionJournalDamaged } from './sfn/journal.ts';
import type { LocalService } from './stack.ts';

export const EXIT_RUNTIME = 1;
export const EXIT_CONFIGURATION = 2;

export class StartupError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = EXIT_CONFIGURATION) {
    super(message);
    this.name = 'StartupError';
    this.exitCode = exitCode;
  }
}

/** The variable that sets each local server's port; by default the API's PORT plus the offset. */
export const SERVICE_PORT_VARIABLES: Record<
  LocalService,
  { variable: string; offset: number; name: string }
> = {
  dynamodb: { variable: 'LOCAL_DYNAMODB_PORT', offset: 1, name: 'the local DynamoDB' },
  sfn: { variable: 'LOCAL_SFN_PORT', offset: 2, name: 'the local Step Functions' },
  sns: { variable: 'LOCAL_SNS_PORT', offset: 3, name: 'the local SNS' },
  secrets: { variable: 'LOCAL_SECRETS_PORT', offset: 4, name: 'the local secrets extension' },
  kms: { variable: 'LOCAL_KMS_PORT', offset: 5, name: 'the local KMS' },
  s3: { variable: 'LOCAL_S3_PORT', offset: 6, name: 'the local S3' },
  cognito: { variable: 'LOCAL_COGNITO_PORT', offset: 7, name: 'the local token issuer' },
  eum: { variable: 'LOCAL_EUM_PORT', offset: 8, name: 'the local End User Messaging SMS' },
  aliyun: { variable: 'LOCAL_ALIYUN_SMS_PORT', offset: 9, name: 'the local Alibaba Cloud SMS' },
};

export interface StartPorts {
  api: number;
  services: Record<LocalService, number>;
}

/**
 * PORT (default 3000) and each LOCAL_<SERVICE>_PORT (default PORT + its offset, 1..9, so the endpoints stay
 * the same from one start to the next; all free ones when PORT is 0). @throws StartupError naming the variable.
 */
export function servicePortsFrom(env: Record<string, string | undefined>): StartPorts {
  const api = portOf(env, 'PORT', 3000);
  const services = Object.fromEntries(
    Object.entries(SERVICE_PORT_VARIABLES).map(([service, { variable, offset }]) => {
      const derived = api === 0 || api + offset > 65535 ? 0 : api + offset;
      return [service, portOf(env, variable, derived)];
    }),
  ) as Record<LocalService, number>;
  return { api, services };
}

function portOf(env: Record<string, string | undefined>, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StartupError(`${variable} must be a port number (0-65535, 0 for any free port), not '${raw}'`);
  }
  return port;
}

/** SLA_POLICY and COMPENSATION_RULES as the handlers will read them. @throws InvalidConfiguration */
export function checkStartConfiguration(env: Record<string, string | undefined>): void {
  loadSlaPolicy({ ...(env.SLA_POLICY !== undefined && { SLA_POLICY: env.SLA_POLICY }) });
  if (env.SMS_SIGN_NAME !== undefined) {
    throw new StartupError(`SMS_SIGN_NAME ${SMS_SIGN_NAME_REPLACED('SMS_SIGNATURE')}`);
  }
  if (env.SMS_SIGNATURE && !isSmsSignature(env.SMS_SIGNATURE)) {
    throw new StartupError(`SMS_SIGNATURE ${SMS_SIGNATURE_RULE}`);
  }
  const rules = env.COMPENSATION_RULES?.trim();
  if (rules) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rules);
    } catch (error) {
      throw new StartupError(`COMPENSATION_RULES is not valid JSON (${(error as Error).message})`);
    }
    try {
      parseCompensationRules(parsed);
    } catch (error) {
      if (error instanceof InvalidConfiguration) {
        throw new InvalidConfiguration('COMPENSATION_RULES', error.errors);
      }
      throw error;
    }
  }
}

/** The one line and the exit code for any error a start can end in. */
export function describeStartupFailure(
  error: unknown,
  ports: StartPorts | undefined,
): { line: string; exitCode: number } {
  if (error instanceof StartupError) return { line: error.message, exitCode: error.exitCode };
  if (
    error instanceof InvalidConfiguration ||
    error instanceof ConfigurationError ||
    error instanceof TemplateMappingInvalid
  ) {
    return { line: error.message, exitCode: EXIT_CONFIGURATION };
  }
  if (
    error instanceof DataDirInUse ||
    error instanceof StoreDamaged ||
    error instanceof OutboxDamaged ||
    error instanceof ExecutionJournalDamaged
  ) {
    return { line: error.message, exitCode: EXIT_RUNTIME };
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    const { port, address } = error as { port?: number; address?: string };
    const owner = portOwner(port, ports);
    const problem =
      code === 'EADDRINUSE'
        ? 'is already in use (another npm start, or another program)'
        : code === 'EACCES'
          ? 'may not be opened by this user'
          : 'cannot be opened: the address is not one of this machine';
    const remedy =
      code === 'EADDRNOTAVAIL'
        ? 'set HOST to an address of this machine'
        : `stop what holds it, or set ${owner.variable} to another port`;
    return {
      line: `port ${port} on ${address ?? 'this machine'} for ${owner.name} ${problem}: ${remedy}`,
      exitCode: EXIT_RUNTIME,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  // LevelDB's own lock: a process outside this project's lock (an older version, another tool) holds it.
  if (
    /lock/i.test(message) &&
    /LevelDB|IO error/i.test(String((error as { cause?: unknown }).cause ?? message))
  ) {
    return {
      line: `the DynamoDB store is locked by another process (${firstLine(message)}): stop it, or use another DATA_DIR`,
      exitCode: EXIT_RUNTIME,
    };
  }
  return { line: `could not start: ${firstLine(message)}`, exitCode: EXIT_RUNTIME };
}

function portOwner(
  port: number | undefined,
  ports: StartPorts | undefined,
): { name: string; variable: string } {
  if (ports) {
    for (const [service, { variable, name }] of Object.entries(SERVICE_PORT_VARIABLES)) {
      if (ports.services[service as LocalService] === port && port !== 0) return { name, variable };
    }
  }
  return { name: 'the API', variable: 'PORT' };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/** SMS_PROVIDER for `npm start` (default sns). @throws StartupError naming the variable. */
export function smsProviderFrom(env: Record<string, string | undefined>): (typeof SMS_PROVIDERS)[number] {
  const raw = env.SMS_PROVIDER;
  if (raw === undefined || raw === '') return 'sns';
  const found = SMS_PROVIDERS.find((provider) => provider === raw);
  if (!found) throw new StartupError(`SMS_PROVIDER must be one of ${SMS_PROVIDERS.join(', ')}, not '${raw}'`);
  return found;
}
