// `npm start`: the embedded default. Configuration comes from the environment: PORT (3000), HOST
// (127.0.0.1), DATA_DIR (.data), COMPLAINTS_TIME_SCALE (unset: real time).
import { startEmbeddedStack } from './stack.ts';

// aws-local-stepfunctions arms a negative timer for a Wait whose timestamp has just passed (a text due
// now); Node fires it at once but warns each time. Keep the console for what matters.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') console.warn(warning);
});

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = process.env.DATA_DIR ?? '.data';
const timeScale = process.env.COMPLAINTS_TIME_SCALE ? Number(process.env.COMPLAINTS_TIME_SCALE) : undefined;

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not '${process.env.PORT}'`);
  process.exit(2);
}
if (timeScale !== undefined && !(timeScale > 0)) {
  console.error(
    `COMPLAINTS_TIME_SCALE must be a positive number, not '${process.env.COMPLAINTS_TIME_SCALE}'`,
  );
  process.exit(2);
}

const stack = await startEmbeddedStack({
  port,
  host,
  dataDir,
  ...(timeScale ? { timeScale } : {}),
  log: (line) => console.log(line),
});

console.log(`
Complaints platform (embedded) is ready.
  API             ${stack.url}/v1   (OpenAPI: ${stack.url}/v1/openapi.json)
  outbox          ${stack.url}/_local/outbox?complaintId=
  DynamoDB        ${stack.dynamo.endpoint}  (dynalite, data in ${dataDir}/dynamo)
  Step Functions  ${stack.sfn.endpoint}  (aws-local-stepfunctions)
  SNS             ${stack.sns.endpoint}  (outbox in ${dataDir}/outbox.jsonl)
  secrets         ${stack.secrets.endpoint}  (Parameters and Secrets extension protocol: the phone-hash key)
  KMS             ${stack.kms.endpoint}  (keys in ${dataDir}/kms-keys.json: phone numbers and names are sealed with them)
  time scale      ${timeScale ? `1 SLA hour = ${(3600 / timeScale).toFixed(2)} s, quiet hours off` : 'real time; customer texts wait out 21:00-08:00 Asia/Shanghai'}
  resumed         ${stack.reconciled.restarted} open complaint(s) and ${stack.reconciled.deliveriesResumed} undelivered message(s) from an earlier run

Try:
  curl -s -X POST ${stack.url}/v1/complaints -H 'content-type: application/json' \\
    -H 'Idempotency-Key: demo-1' \\
    -d '{"channel":"hotline","description":"快递寄出五天了还没到，一直显示运输中","customer":{"phone":"13812345678"},"trackingNumber":"SF1234567890"}'
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`\n${signal}: stopping (open complaints resume on the next start)`);
    void stack.close().then(() => process.exit(0));
  });
}
