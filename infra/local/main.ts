// `npm start`: the embedded default. Configuration comes from the environment: PORT (3000), HOST
// (127.0.0.1), DATA_DIR (.data), COMPLAINTS_TIME_SCALE (unset: real time), RECONCILE_INTERVAL_SECONDS (900),
// the local servers' ports (LOCAL_DYNAMODB_PORT, LOCAL_SFN_PORT, LOCAL_SNS_PORT, LOCAL_SECRETS_PORT, LOCAL_KMS_PORT,
// LOCAL_S3_PORT, LOCAL_COGNITO_PORT, LOCAL_EUM_PORT, LOCAL_ALIYUN_SMS_PORT), SMS_PROVIDER (sns | end-user-messaging | aliyun), SMS_TEMPLATES_FILE and SMS_SIGNATURE
// (the registered 【signature】), LOCAL_SNS_MAX_RATE (unset: no limit; the local SNS answers Throttled above this many Publish a
// second), LOCAL_RESERVED_CONCURRENCY (true/false; default true in real time, false with
// COMPLAINTS_TIME_SCALE). Every
// start-up failure ends in one line on stderr and a non-zero exit (startup-failure.ts), never in a stack trace.
import { smsSignName } from '#domain/notifications/templates';
import { startEmbeddedStack, ENDPOINTS_FILE } from './stack.ts';
import { muteNegativeTimerWarnings } from './shared/timer-warnings.ts';
import {
  checkStartConfiguration,
  describeStartupFailure,
  servicePortsFrom,
  smsProviderFrom,
  StartupError,
} from './startup-failure.ts';

// aws-local-stepfunctions arms a negative timer for a Wait whose timestamp has just passed (a text due
// now); Node fires it at once but warns each time. Keep the console for what matters.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') console.warn(warning);
});

const host = process.env.HOST ?? '127.0.0.1';
const dataDir = process.env.DATA_DIR ?? '.data';
const timeScale = process.env.COMPLAINTS_TIME_SCALE ? Number(process.env.COMPLAINTS_TIME_SCALE) : undefined;
const reconcileSeconds = Number(process.env.RECONCILE_INTERVAL_SECONDS ?? 900);
const snsMaxRate = Number(process.env.LOCAL_SNS_MAX_RATE ?? 0);
const reservedConcurrency = { true: true, false: false }[process.env.LOCAL_RESERVED_CONCURRENCY ?? ''];

muteNegativeTimerWarnings();

let stack: Awaited<ReturnType<typeof startEmbeddedStack>>;
let ports: ReturnType<typeof servicePortsFrom>;
try {
  ports = servicePortsFrom(process.env);
  if (timeScale !== undefined && !(timeScale > 0)) {
    throw new StartupError(
      `COMPLAINTS_TIME_SCALE must be a positive number, not '${process.env.COMPLAINTS_TIME_SCALE}'`,
    );
  }
  if (!Number.isFinite(reconcileSeconds) || reconcileSeconds < 0) {
    throw new StartupError(
      `RECONCILE_INTERVAL_SECONDS must be a number of seconds (0: never), not '${process.env.RECONCILE_INTERVAL_SECONDS}'`,
    );
  }
  if (!Number.isFinite(snsMaxRate) || snsMaxRate < 0) {
    throw new StartupError(
      `LOCAL_SNS_MAX_RATE must be a number of messages a second (0: no limit), not '${process.env.LOCAL_SNS_MAX_RATE}'`,
    );
  }
  checkStartConfiguration(process.env);
  const smsProvider = smsProviderFrom(process.env);
  stack = await startEmbeddedStack({
    smsProvider,
    ...(process.env.SMS_TEMPLATES_FILE ? { smsTemplatesFile: process.env.SMS_TEMPLATES_FILE } : {}),
    ...(process.env.SMS_SIGNATURE ? { smsSignName: smsSignName(process.env.SMS_SIGNATURE) } : {}),
    port: ports.api,
    host,
    dataDir,
    servicePorts: ports.services,
    reconcileIntervalMs: reconcileSeconds * 1000,
    ...(timeScale ? { timeScale } : {}),
    // Links in texts point at the local gateway unless the operator names the public address.
    ...(process.env.PUBLIC_BASE_URL ? { environment: { PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL } } : {}),
    ...(snsMaxRate > 0 ? { snsMaxRate } : {}),
    // As deployed: at most SEND_CONCURRENCY sends at once, with the workflow's real backoff. Time-scaled
    // demos and tests compress everything else, not that backoff, so there it is off unless asked for.
    reservedConcurrency: reservedConcurrency ?? timeScale === undefined,
    // dynalite on its own thread, so the second core takes its share (LOCAL_DYNAMODB_WORKER=false: not).
    dynamoWorker: process.env.LOCAL_DYNAMODB_WORKER !== 'false',
    log: (line) => console.log(line),
  });
} catch (error) {
  const failure = describeStartupFailure(error, ports!);
  console.error(`npm start: ${failure.line}`);
  process.exit(failure.exitCode);
}

console.log(`
Complaints platform (embedded) is ready.
  API             ${stack.url}/v1   (OpenAPI: ${stack.url}/v1/openapi.json)
  outbox          ${stack.url}/_local/outbox?complaintId=
  reconciler      every ${reconcileSeconds} s, or now: npm run complaints -- reconcile
  DynamoDB        ${stack.dynamo.endpoint}  (dynalite, data in ${dataDir}/dynamo)
  Step Functions  ${stack.sfn.endpoint}  (aws-local-stepfunctions)
  SNS             ${stack.sns.endpoint}  (outbox in ${dataDir}/outbox.jsonl)
  SMS provider    ${smsProviderFrom(process.env)}  (End User Messaging ${stack.eum.endpoint}, Alibaba Cloud SMS ${stack.aliyun.endpoint}: texts into the same outbox)
  secrets         ${stack.secrets.endpoint}  (Parameters and Secrets extension protocol: the phone-hash key)
  KMS             ${stack.kms.endpoint}  (keys in ${dataDir}/kms-keys.json: phone numbers and names are sealed with them)
  S3              ${stack.s3.endpoint}  (s3rver, attachments in ${dataDir}/s3)
  endpoints file  ${dataDir}/${ENDPOINTS_FILE}  (set -a; . ${dataDir}/${ENDPOINTS_FILE}; set +a)
  token issuer    ${stack.issuer.issuer}  (Cognito stand-in; signing key in ${dataDir}/token-signing-key.json)
  time scale      ${timeScale ? `1 SLA hour = ${(3600 / timeScale).toFixed(2)} s, quiet hours off` : 'real time; customer texts wait out 21:00-08:00 Asia/Shanghai'}
  resumed         ${resumedLine(stack)}

Every route but health, openapi.json and the customer link needs a bearer token:
  npm run -s complaints -- token --role ROLE --user ID
  (roles: intake, agent, supervisor, auditor, admin; or POST ${stack.url}/_local/token {"role","user"})

${tryBlock(stack.url)}
`);

/** Open complaints whose workflow goes on: carried on from the journal where they were, or restarted. */
function resumedLine({ reconciled, sfn }: typeof stack): string {
  const { checked, parked, restarted, deliveriesResumed } = reconciled;
  const { parked: waiting, reentered } = sfn.restored;
  return (
    `${checked - parked} open complaint(s) (${checked - parked - restarted} carried on where they were, ` +
    `${restarted} restarted) and ${deliveriesResumed} undelivered message(s) from an earlier run; ` +
    `${waiting + reentered} execution(s) taken back from the journal`
  );
}

/**
 * The first steps of the README's "Try it", against this stack: every paste registers a new complaint (a
 * fresh Idempotency-Key each time: the same key again would answer with the first complaint) and carries
 * its id on in $ID. tests/docs/readme.test.ts pastes it twice.
 */
function tryBlock(url: string): string {
  return `Try it (paste into bash, as often as you like; the whole walkthrough is README.md's "Try it"):
  HOTLINE=$(npm run -s complaints -- --api ${url} token --role intake --user hotline)
  AGENT=$(npm run -s complaints -- --api ${url} token --role agent --user agent-7)
  field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }
  ID=$(curl -s -X POST ${url}/v1/complaints -H 'content-type: application/json' \\
    -H "Authorization: Bearer $HOTLINE" -H "Idempotency-Key: demo-$(date +%s%N)" \\
    -d '{"channel":"hotline","description":"快递寄出五天了还没到，一直显示运输中","customer":{"phone":"13812345678"},"trackingNumber":"SF1234567890"}' \\
    | field id)
  echo "registered $ID"
  curl -s --retry 5 --retry-all-errors -f -X POST ${url}/v1/complaints/$ID/actions -H 'content-type: application/json' \\
    -H "Authorization: Bearer $AGENT" -d '{"action":"accept"}' | field status
  curl -s ${url}/v1/complaints/$ID/timeline -H "Authorization: Bearer $AGENT"; echo`;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`\n${signal}: stopping (open complaints resume on the next start)`);
    void stack.close().then(() => process.exit(0));
  });
}
