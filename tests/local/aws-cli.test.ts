// The embedded stack operated with the real AWS CLI v2 (Debian's `awscli`), as an ops engineer does: the
// endpoints come from DATA_DIR/endpoints.env, and each command an operator reaches for answers in the
// shape the CLI expects. Runs wherever `aws` is installed; under CI it must be (.ci/run installs it),
// so this never passes by skipping there.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEnvFile } from '../support/env-file.ts';
import { eventually, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

// The CLI starts a Python interpreter per command: seconds each, far more on a loaded machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

/** AWS_CLI, else Debian's /usr/bin/aws (ahead of any other `aws` on PATH, e.g. a pip-installed v1), else PATH. */
function findAwsCli(): string | undefined {
  if (process.env.AWS_CLI) return process.env.AWS_CLI;
  if (existsSync('/usr/bin/aws')) return '/usr/bin/aws';
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'aws'))) return join(dir, 'aws');
  }
  return undefined;
}

const AWS = findAwsCli();
const IN_CI = Boolean(process.env.CI);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let api: TestApi;
let dataDir: string;
let endpoints: Record<string, string>;

/** Asynchronous on purpose: the stack under test runs in this process and must keep answering. */
function aws(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      AWS!,
      [...args, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dataDir,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...endpoints,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function awsJson<T>(...args: string[]): Promise<T> {
  const result = await aws(...args);
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

describe.skipIf(!AWS && !IN_CI)('the embedded stack under the AWS CLI', () => {
  let executionArn: string;

  beforeAll(async () => {
    if (!AWS) throw new Error('CI is set but no aws CLI is installed: .ci/run installs Debian awscli');
    dataDir = mkdtempSync(join(tmpdir(), 'complaints-aws-cli-'));
    api = await startTestApi({ dataDir, timeScale: 3600 });
    endpoints = parseEnvFile(readFileSync(join(dataDir, 'endpoints.env'), 'utf8'));
    const created = await api.post<{ id: string }>('/v1/complaints', sampleComplaint(), {
      'Idempotency-Key': 'aws-cli-1',
    });
    expect(created.status).toBe(201);
    executionArn = await eventually(async () => {
      const listed = await awsJson<{ executions: { executionArn: string; name: string }[] }>(
        'stepfunctions',
        'list-executions',
        '--endpoint-url',
        endpoints.AWS_ENDPOINT_URL_SFN!,
        '--state-machine-arn',
        endpoints.COMPLAINT_STATE_MACHINE_ARN!,
      );
      return listed.executions.find((execution) => execution.name.includes(created.body.id))?.executionArn;
    }, 180_000);
  });

  afterAll(async () => {
    await api?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is version 2 of the CLI', async () => {
    const { stdout } = await aws('--version');
    expect(stdout).toMatch(/^aws-cli\/2\./);
  });

  it('stepfunctions list-state-machines and describe-state-machine', async () => {
    // Act
    const listed = await awsJson<{ stateMachines: { stateMachineArn: string; type: string }[] }>(
      'stepfunctions',
      'list-state-machines',
      '--endpoint-url',
      endpoints.AWS_ENDPOINT_URL_SFN!,
    );
    const described = await awsJson<{ name: string; status: string; definition: string }>(
      'stepfunctions',
      'describe-state-machine',
      '--endpoint-url',
      endpoints.AWS_ENDPOINT_URL_SFN!,
      '--state-machine-arn',
      endpoints.COMPLAINT_STATE_MACHINE_ARN!,
    );

    // Assess
    expect(listed.stateMachines.map((machine) => machine.stateMachineArn)).toEqual([
      endpoints.COMPLAINT_STATE_MACHINE_ARN,
      endpoints.NOTIFICATION_STATE_MACHINE_ARN,
    ]);
    expect(described).toMatchObject({ name: 'complaints', status: 'ACTIVE' });
    expect(JSON.parse(described.definition)).toHaveProperty('StartAt');
  });

  it('stepfunctions get-execution-history shows the Task events of a complaint', async () => {
    // Act
    const history = await awsJson<{ events: { type: string }[] }>(
      'stepfunctions',
      'get-execution-history',
      '--endpoint-url',
      endpoints.AWS_ENDPOINT_URL_SFN!,
      '--execution-arn',
      executionArn,
    );

    // Assess
    const types = new Set(history.events.map((event) => event.type));
    for (const type of [
      'ExecutionStarted',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
    ]) {
      expect(types, type).toContain(type);
    }
  });

  it('sns list-topics and get-topic-attributes', async () => {
    // Act
    const listed = await awsJson<{ Topics: { TopicArn: string }[] }>(
      'sns',
      'list-topics',
      '--endpoint-url',
      endpoints.AWS_ENDPOINT_URL_SNS!,
    );
    const topic = listed.Topics[0]!.TopicArn;
    const attributes = await awsJson<{ Attributes: Record<string, string> }>(
      'sns',
      'get-topic-attributes',
      '--endpoint-url',
      endpoints.AWS_ENDPOINT_URL_SNS!,
      '--topic-arn',
      topic,
    );

    // Assess
    expect(listed.Topics.map((entry) => entry.TopicArn)).toEqual(
      [0, 1, 2, 3].map((level) => expect.stringMatching(new RegExp(`:complaints-staff-level-${level}$`))),
    );
    expect(attributes.Attributes.TopicArn).toBe(topic);
  });

  it('sns publish to a topic that does not exist fails with NotFound', async () => {
    // Act
    const result = await aws(
      'sns',
      'publish',
      '--endpoint-url',
      endpoints.AWS_ENDPOINT_URL_SNS!,
      '--topic-arn',
      'arn:aws:sns:us-east-1:000000000000:no-such-topic',
      '--message',
      'hello',
    );

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'An error occurred (NotFound) when calling the Publish operation: Topic does not exist',
    );
  });

  it('dynamodb describe-table answers for the complaints table', async () => {
    // Act
    const described = await awsJson<{ Table: { TableName: string; TableStatus: string } }>(
      'dynamodb',
      'describe-table',
      '--endpoint-url',
      endpoints.AWS_ENDPOINT_URL_DYNAMODB!,
      '--table-name',
      endpoints.TABLE_NAME!,
    );

    // Assess
    expect(described.Table).toMatchObject({ TableName: 'complaints', TableStatus: 'ACTIVE' });
  });
});
