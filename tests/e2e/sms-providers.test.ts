// One complaint, three deployments' SMS providers: `npm start` with SMS_PROVIDER=sns registers it, a
// restart on the same data directory with SMS_PROVIDER=end-user-messaging accepts it, a third with
// SMS_PROVIDER=aliyun answers it. Each text goes through that provider's adapter and SDK to its local
// stand-in and lands in the one outbox, as the customer would read it: the Alibaba text is the registered
// template filled with the parameters behind the operator's 【signature】.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleTemplateMapping } from '#domain/notifications/provider-templates';
import { maskPhone } from '#domain/masking';
import { eventually, sampleComplaint } from '../support/embedded.ts';
import {
  freePort,
  outboxOf,
  postUntilReady,
  removeDataDir,
  spawnStack,
  temporaryDataDir,
  type OutboxItem,
  type SpawnedStack,
} from '../support/spawned-stack.ts';

const dataDir = temporaryDataDir();
const refusedDirs: string[] = [];
let stack: SpawnedStack | undefined;

afterAll(async () => {
  await stack?.stop('SIGTERM');
  removeDataDir(dataDir);
  for (const dir of refusedDirs) removeDataDir(dir);
});

async function startWith(port: number, provider: string): Promise<SpawnedStack> {
  await stack?.stop('SIGTERM');
  stack = await spawnStack({ dataDir, port, timeScale: 60, environment: { SMS_PROVIDER: provider } });
  return stack;
}

async function textOf(api: SpawnedStack, id: string, event: string): Promise<OutboxItem> {
  return eventually(
    async () => (await outboxOf(api, id)).find((item) => item.kind === 'sms' && item.event === event),
    30_000,
    `the ${event} text of ${id}`,
  );
}

async function act(api: SpawnedStack, id: string, body: Record<string, unknown>): Promise<void> {
  const response = await postUntilReady(api, `/v1/complaints/${id}/actions`, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

describe('customer texts through each SMS provider', () => {
  it('sends the same complaint through SNS, End User Messaging and Alibaba Cloud SMS into one outbox', async () => {
    const port = await freePort();
    let api = await startWith(port, 'sns');
    const created = await api.post('/v1/complaints', sampleComplaint({ externalRef: 'providers-1' }), {
      'Idempotency-Key': 'providers-1',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = String(created.body.id);
    const shortId = String(created.body.shortId);
    const received = await textOf(api, id, 'received');

    api = await startWith(port, 'end-user-messaging');
    await act(api, id, { action: 'accept', actor: 'agent-1' });
    const accepted = await textOf(api, id, 'accepted');

    api = await startWith(port, 'aliyun');
    await act(api, id, { action: 'resolve', actor: 'agent-1', resolution: '已联系网点加急派送' });
    const answered = await textOf(api, id, 'answered');

    expect(received.provider).toBeUndefined();
    expect(accepted.provider).toBe('end-user-messaging');
    expect(answered.provider).toBe('aliyun');
    for (const text of [received, accepted, answered]) {
      expect(text.to).toBe('+8613812345678');
      expect(text.message.startsWith('【邮政投诉】')).toBe(true);
      expect(text.message).toContain(shortId);
    }
    // The registered template with the link's fixed address, its path from the parameter.
    expect(answered.message).toMatch(
      new RegExp(
        `^【邮政投诉】您的投诉${shortId}已答复，请查看并评价：http://localhost:${port}/[0-9A-Za-z]{10}$`,
      ),
    );

    // The evidence for the issue note: the complaint's texts as the outbox holds them.
    const excerpt = (await outboxOf(api, id))
      .filter((item) => item.kind === 'sms')
      .map((item) =>
        [
          item.at,
          (item.provider ?? 'sns').padEnd(18),
          (item.event ?? '').padEnd(9),
          maskPhone(item.to),
          item.message,
        ].join('  '),
      );
    console.log(`outbox of complaint ${id}:\n${excerpt.join('\n')}`);
    expect(excerpt).toHaveLength(3);
  }, 120_000);

  it('texts a customer who chose push when the deployment has none (aliyun: China, no SNS push)', async () => {
    const api = await startWith(stack?.port ?? (await freePort()), 'aliyun');
    const created = await api.post(
      '/v1/complaints',
      sampleComplaint({
        externalRef: 'providers-push',
        customer: {
          phone: '13812345679',
          channels: ['push'],
          pushEndpointArn: 'arn:aws-cn:sns:cn-north-1:123456789012:endpoint/BAIDU/complaints-app/5f1c2d3e',
        },
      }),
      { 'Idempotency-Key': 'providers-push' },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = String(created.body.id);

    const received = await textOf(api, id, 'received');

    expect(received).toMatchObject({ provider: 'aliyun', to: '+8613812345679' });
    expect((await outboxOf(api, id)).map((item) => item.kind)).toEqual(['sms']);
  }, 60_000);
});

/** `npm start` that is expected to refuse: its exit code and what it printed on stderr. */
function refusedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const dir = temporaryDataDir();
  refusedDirs.push(dir);
  const child = spawn(process.execPath, ['infra/local/main.ts'], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      DATA_DIR: dir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // Started after all: stop it so the assertion shows what it printed.
  child.stdout.on('data', (chunk: Buffer) => {
    if (chunk.toString('utf8').includes('is ready')) child.kill('SIGTERM');
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

describe('npm start refuses an SMS configuration it cannot send with', () => {
  it('an unknown SMS_PROVIDER, or a template mapping that no longer matches the wordings', async () => {
    const zh = {
      ...exampleTemplateMapping()['zh-CN']!,
      received: { code: 'SMS_900000000', params: ['shortId'] },
    };
    const file = join(dataDir, 'templates.json');
    writeFileSync(file, JSON.stringify({ 'zh-CN': zh }));

    const unknown = await refusedStart({ SMS_PROVIDER: 'twilio' });
    const stale = await refusedStart({ SMS_PROVIDER: 'aliyun', SMS_TEMPLATES_FILE: file });

    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      "npm start: SMS_PROVIDER must be one of sns, end-user-messaging, aliyun, not 'twilio'",
    );
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain(
      'zh-CN.received.params: registered with [shortId], the wording uses [shortId, answerBy]; missing answerBy',
    );
    expect(stale.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('the former SMS_SIGN_NAME, pointing at SMS_SIGNATURE, the one signature setting', async () => {
    const renamed = await refusedStart({ SMS_PROVIDER: 'aliyun', SMS_SIGN_NAME: '邮政投诉' });

    expect(renamed.code).toBe(2);
    expect(renamed.stderr).toContain('SMS_SIGN_NAME is no longer read: set SMS_SIGNATURE');
    expect(renamed.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});
