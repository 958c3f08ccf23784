// Every Lambda function of the service, with the access each one needs and nothing more. API functions
// come from the shared route table; a route whose function has no access entry here fails synth, so a new
// handler is never deployed with permissions nobody decided on.
import { API_ROUTES } from '../../functions/api/routes.ts';
import { WORKFLOW_TASKS } from '../../functions/workflow/tasks.ts';
import type { StateMachineAccessLevel, TableAccessLevel } from '../constructs/complaint-function.ts';

export interface FunctionAccess {
  table?: TableAccessLevel;
  complaintWorkflow?: StateMachineAccessLevel | readonly StateMachineAccessLevel[];
  notificationWorkflow?: 'start';
  /** Publish to the four staff topics. */
  staffTopics?: boolean;
  /** Subscribe alert recipients to the four staff topics and set their filter policies. */
  staffTopicSubscriptions?: boolean;
  /** Direct SMS and mobile push. */
  textMessaging?: boolean;
  /** Hashes phone numbers: fetches the HMAC key from Secrets Manager through the extension. */
  phoneHashKey?: boolean;
  /**
   * The attachments bucket: `presign` signs uploads and reads (PutObject, GetObject), `check` also reads
   * uploads back and deletes refused ones (GetObject, DeleteObject); `read` signs reads only.
   */
  attachments?: 'read' | 'presign' | 'check';
}

export interface FunctionSpec {
  functionName: string;
  /** Relative to the repository root. */
  entry: string;
  description: string;
  kind: 'api' | 'workflow' | 'ops' | 'auth';
  access: FunctionAccess;
  /** Reserved concurrency (functions/workflow/tasks.ts); absent: the account's unreserved pool. */
  reservedConcurrency?: number;
}

/** Which port each function's use case drives (functions/use-cases), as IAM access. */
export const FUNCTION_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  // Registers (idempotency record + complaint, found again by the customer's phone hash) and starts the
  // complaint's execution. With post-erasure-request, the only functions that hash phone numbers.
  'create-complaint': { table: 'readwrite', complaintWorkflow: 'start', phoneHashKey: true },
  'list-complaints': { table: 'read' },
  'get-complaint': { table: 'read' },
  'get-timeline': { table: 'read' },
  // Opens the customer's sealed phone and name for an allowed reader and records the read in the timeline.
  'reveal-personal-data': { table: 'readwrite' },
  // Reads the complaint and its audit trail and checks the hash chain.
  'get-audit': { table: 'read' },
  // Finds the customer's complaints by the keyed phone hash, redacts their events, revokes their link
  // tokens, deletes their files (photos, evidence) and writes each complaint anonymised.
  'post-erasure-request': { table: 'readwrite', phoneHashKey: true, attachments: 'check' },
  // Commit the action, then complete the waiting stage task with the next stage; an execution found
  // ended (stopped, failed) is restarted (DescribeExecution, StartExecution).
  // A claim offered or paid (no stage change, possibly on a closed complaint) hands its text to delivery.
  'post-action': {
    table: 'readwrite',
    complaintWorkflow: ['signal', 'observe', 'start'],
    notificationWorkflow: 'start',
  },
  // Reads the complaint and computes the suggestion from the configured rules: writes nothing.
  'post-compensation-suggestion': { table: 'read' },
  'post-feedback': { table: 'readwrite', complaintWorkflow: ['signal', 'observe', 'start'] },
  // The organisation directory: read it; an admin's change also (un)subscribes its alert recipients.
  'get-org': { table: 'read' },
  'put-org-unit': { table: 'readwrite', staffTopicSubscriptions: true },
  // Reports read the counter and parcel volume partitions; an admin's volume checks the outlet and writes one item.
  'get-report': { table: 'read' },
  'export-report': { table: 'read' },
  'report-page': { table: 'read' },
  'put-parcel-volume': { table: 'readwrite' },
  // Mass incidents: declare and read them (with the directory's units); link complaints, hand the notice
  // to the notification workflow, resolve linked complaints like post-action does (signal, restart).
  'post-incident': { table: 'readwrite' },
  'list-incidents': { table: 'read' },
  'get-incident': { table: 'read' },
  'get-incident-timeline': { table: 'read' },
  'detect-incidents': { table: 'readwrite' },
  'post-incident-action': {
    table: 'readwrite',
    complaintWorkflow: ['signal', 'observe', 'start'],
    notificationWorkflow: 'start',
  },
  // Computes deadlines from the configured policy and calendars: no data, no workflow.
  'sla-preview': {},
  health: {},
  openapi: {},
  // The customer's link: the redirect reads nothing; the view reads the token's item and the complaint;
  // rating through it commits like post-feedback and completes the waiting stage task.
  'follow-link': {},
  'get-public-complaint': { table: 'read', attachments: 'read' },
  // The customer's reply: checks the uploaded photos (reads their first bytes, deletes refused ones),
  // records attachment items and the reply, and completes the waiting stage task like post-action.
  'post-public-reply': {
    table: 'readwrite',
    complaintWorkflow: ['signal', 'observe', 'start'],
    attachments: 'check',
  },
  // Reserves an attachment item and signs a POST policy for the photo.
  'post-public-upload': { table: 'readwrite', attachments: 'presign' },
  'post-attachment-upload': { table: 'readwrite', attachments: 'presign' },
  // Checks the uploaded evidence, records it and its timeline event.
  'post-attachment': { table: 'readwrite', attachments: 'check' },
  'get-attachments': { table: 'read', attachments: 'read' },
  'post-public-feedback': {
    table: 'readwrite',
    complaintWorkflow: ['signal', 'observe', 'start'],
    attachments: 'read',
  },
  // Stage handlers save the complaint and hand customer and staff notices to the notification workflow.
  'open-stage': { table: 'readwrite', notificationWorkflow: 'start' },
  // Stores the task token; completes the task itself when an action already moved the stage on.
  'await-stage': { table: 'readwrite', complaintWorkflow: 'signal', notificationWorkflow: 'start' },
  // Also hands a complaint over to a fresh execution before the current one's age limit (continue-as-new).
  'stage-timer': { table: 'readwrite', complaintWorkflow: 'start', notificationWorkflow: 'start' },
  'record-failure': { table: 'readwrite', notificationWorkflow: 'start' },
  'finish-complaint': { table: 'readwrite', notificationWorkflow: 'start' },
  // Reads the complaint, records each delivery attempt, publishes the text, push or staff alert.
  'send-notification': { table: 'readwrite', staffTopics: true, textMessaging: true },
  // Undelivered texts: the listing reads the operator partition; a re-send moves the delivery record back
  // to scheduled and starts a fresh delivery execution.
  'list-deliveries': { table: 'read' },
  'resend-delivery': { table: 'readwrite', notificationWorkflow: 'start' },
  // Verifies bearer tokens against the user pool's public keys: no data, no workflow.
  authorizer: {},
  // Restarts executions that are not running, redelivers signals, re-dispatches unfinished deliveries.
  reconcile: {
    table: 'readwrite',
    complaintWorkflow: ['observe', 'start', 'signal'],
    notificationWorkflow: 'start',
  },
  // Restarts a failed, timed-out or stopped execution from its status event, or parks the complaint (and
  // hands the staff alert to delivery).
  'execution-status-changed': {
    table: 'readwrite',
    complaintWorkflow: 'start',
    notificationWorkflow: 'start',
  },
};

/** Functions no route or state machine calls: run on a schedule or by an operator. */
export const OPS_FUNCTIONS = [
  {
    functionName: 'reconcile',
    entry: 'functions/ops/reconcile.ts',
    description:
      'Reconciler: resumes open complaints whose execution is not running (scheduled, or run by an operator); lists and retries needs-operator complaints',
  },
  {
    functionName: 'execution-status-changed',
    entry: 'functions/ops/execution-status-changed.ts',
    description:
      'Self-healing: restarts a failed, timed-out or stopped complaint execution from its EventBridge event, or parks the complaint',
  },
] as const;

/** API Gateway's TOKEN authorizer, in front of every non-public route (functions/auth/authorizer.ts). */
export const AUTHORIZER_FUNCTION = {
  functionName: 'authorizer',
  entry: 'functions/auth/authorizer.ts',
  description: 'API authorizer: verifies bearer tokens of the Cognito user pool (aws-jwt-verify)',
} as const;

/** The function whose ARN a state machine placeholder stands for, from the shared task list. */
export function taskFunctionName(placeholder: string): string | undefined {
  return WORKFLOW_TASKS.find((task) => task.substitution === placeholder)?.functionName;
}

/** The state machines' task functions: the list the embedded stack wires into its local engine too. */
export function workflowFunctions(): {
  functionName: string;
  entry: string;
  description: string;
  reservedConcurrency?: number;
}[] {
  return WORKFLOW_TASKS.map((task) => ({
    functionName: task.functionName,
    entry: task.entry,
    description: `${task.machine} workflow task (${task.substitution.replace(/FunctionArn$/, '')})`,
    ...('reservedConcurrency' in task ? { reservedConcurrency: task.reservedConcurrency } : {}),
  }));
}

function accessOf(functionName: string): FunctionAccess {
  const access = FUNCTION_ACCESS[functionName];
  if (access === undefined) {
    throw new Error(
      `function ${functionName} has no entry in FUNCTION_ACCESS (infra/stacks/function-catalog.ts)`,
    );
  }
  return access;
}

/** One spec per function: API routes sharing a function appear once. */
export function functionSpecs(): FunctionSpec[] {
  const api = new Map<string, FunctionSpec>();
  for (const route of API_ROUTES) {
    const known = api.get(route.functionName);
    if (known) {
      if (known.entry !== route.entry) throw new Error(`function ${route.functionName} has two entries`);
      known.description += `, ${route.method} ${route.resource}`;
      continue;
    }
    api.set(route.functionName, {
      functionName: route.functionName,
      entry: route.entry,
      description: `API: ${route.method} ${route.resource}`,
      kind: 'api',
      access: accessOf(route.functionName),
    });
  }
  const workflow = workflowFunctions().map((spec): FunctionSpec => ({
    ...spec,
    kind: 'workflow',
    access: accessOf(spec.functionName),
  }));
  const ops = OPS_FUNCTIONS.map((spec): FunctionSpec => ({
    ...spec,
    kind: 'ops',
    access: accessOf(spec.functionName),
  }));
  const auth: FunctionSpec = { ...AUTHORIZER_FUNCTION, kind: 'auth', access: accessOf('authorizer') };
  return [...api.values(), ...workflow, ...ops, auth];
}
