// Who each CLI command calls as when the person does not say: the role that command is for in the
// permission table (an intake system registers and relays a collected score; an agent works a complaint,
// a supervisor assigns, reopens and closes it and reads everything, an admin keeps the directory), with a user named after the role.
import { ACTIONS, type ActionName } from '#domain/commands';
import { ACTION_OPERATION } from '#domain/permissions';
import type { CliIdentity } from './api.ts';

export interface IdentityOptions {
  role?: string;
  user?: string;
  onBehalfOf?: string;
}

/** The intake client id the CLI registers as by default. */
export const CLI_INTAKE_CLIENT = 'cli';

const isAction = (name: string | undefined): name is ActionName =>
  (ACTIONS as readonly string[]).includes(name ?? '');

/** The role a command needs, by the permission table; undefined: the command needs no token. */
export function defaultRoleOf(command: string, args: readonly string[]): string | undefined {
  switch (command) {
    case 'submit':
    case 'feedback':
      return 'intake';
    case 'act': {
      const action = args[1];
      return isAction(action) && ACTION_OPERATION[action] === 'manage' ? 'supervisor' : 'agent';
    }
    case 'list':
    case 'show':
    case 'verify':
    case 'erase':
    case 'find':
    case 'reconcile': // the operator's reconciler commands: any valid token opens the local ops route
    case 'needs-operator':
    case 'retry':
    case 'deliveries': // undelivered texts, and their re-send: the `deliveries` permission
    case 'resend':
      return 'supervisor';
    // The directory whole, and changes to it: the `directory` permission.
    case 'org':
      return 'admin';
    // Mass incidents (`incident <sub>`; the CLI passes the subcommand's name): the `incidents`
    // permission, supervisor or admin. `incident list` and `incident show` fall under list and show.
    case 'incident':
    case 'declare':
    case 'link':
    case 'notify':
    case 'resolve':
    case 'confirm':
    case 'dismiss':
    case 'detect':
    case 'close':
      return 'supervisor';
    default:
      return undefined;
  }
}

export const defaultUserOf = (role: string): string =>
  role === 'intake' ? CLI_INTAKE_CLIENT : `cli-${role}`;

export function defaultIdentity(
  command: string,
  args: readonly string[],
  given: IdentityOptions,
): CliIdentity | undefined {
  const role = given.role ?? defaultRoleOf(command, args);
  if (role === undefined) return undefined;
  return {
    role,
    user: given.user ?? defaultUserOf(role),
    ...(given.onBehalfOf ? { onBehalfOf: given.onBehalfOf } : {}),
  };
}
