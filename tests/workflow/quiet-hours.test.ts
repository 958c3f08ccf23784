// Quiet hours on the embedded stack in real time, whatever the hour the test runs at: the deployment's
// window (CUSTOMER_QUIET_HOURS) is chosen around the current Shanghai hour, so a text is held when the
// window covers now and goes out at once when it does not.
// Each case is its own process (`npm start`), as a deployment reads its window once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseKeyOf, releaseOffsetMs } from '#domain/notifications/quiet-hours';
import { ENDPOINTS_FILE } from '../../infra/local/stack.ts';
import { eventually, sampleComplaint } from '../support/embedded.ts';
import { outboxOf, removeDataDir, spawnStack, type SpawnedStack } from '../support/spawned-stack.ts';

const NOTIFICATION_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:complaint-notifications';
const HOUR_MS = 3_600_000;

/** The current hour on a Shanghai wall clock, and the UTC instant that hour began. */
function shanghaiHourNow(): { hour: number; startedAt: number } {
  const local = Date.now() + 8 * HOUR_MS;
  const hour = Math.floor(local / HOUR_MS) % 24;
  return { hour, startedAt: Math.floor(local / HOUR_MS) * HOUR_MS - 8 * HOUR_MS };
}

const hours = (from: number, to: number) => `${String(from % 24)}-${String(to % 24)}`;

let stack: SpawnedStack | undefined;
afterEach(async () => {
  await stack?.stop('SIGTERM');
  if (stack) removeDataDir(stack.dataDir);
  stack = undefined;
});

async function registerWith(window: string): Promise<{ api: SpawnedStack; id: string }> {
  stack = await spawnStack({ environment: { CUSTOMER_QUIET_HOURS: window } });
  const response = await stack.post<{ id: string }>('/v1/complaints', sampleComplaint());
  expect(response.status).toBe(201);
  return { api: stack, id: String(response.body.id) };
}

const outboxEvents = async (api: SpawnedStack, id: string) => (await outboxOf(api, id)).map((m) => m.event);

/** The local Step Functions endpoint, from the file the stack writes for tools. */
function sfnEndpoint(api: SpawnedStack): string {
  const file = readFileSync(join(api.dataDir, ENDPOINTS_FILE), 'utf8');
  const endpoint = /^AWS_ENDPOINT_URL_SFN=(.+)$/m.exec(file)?.[1];
  if (!endpoint) throw new Error(`no AWS_ENDPOINT_URL_SFN in ${file}`);
  return endpoint;
}

describe('customer quiet hours in real time', () => {
  it('holds the acknowledgement until the configured window ends, released at its own offset', async () => {
    // Prepare: a two-hour window that began at the start of this hour.
    const now = shanghaiHourNow();
    const { api, id } = await registerWith(hours(now.hour, now.hour + 2));
    const sfn = new SFNClient({
      endpoint: sfnEndpoint(api),
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });

    // Act: the acknowledgement's delivery execution starts and waits.
    const execution = await eventually(
      async () => {
        const listed = await sfn.send(
          new ListExecutionsCommand({ stateMachineArn: NOTIFICATION_MACHINE, statusFilter: 'RUNNING' }),
        );
        return listed.executions?.find((e) => e.name?.startsWith(`${id}.received`));
      },
      15_000,
      'the acknowledgement waiting in its delivery workflow',
    );
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
    const input = JSON.parse(described.input ?? '{}') as { sendAt: string; notification: { key: string } };

    // Assess: due when the window ends, at the offset of its release key; nothing in the outbox yet.
    const windowEnd = now.startedAt + 2 * HOUR_MS;
    const offset = releaseOffsetMs(releaseKeyOf(id, input.notification.key));
    expect(new Date(input.sendAt).getTime()).toBe(windowEnd + offset);
    expect(described.status).toBe('RUNNING');
    expect(await outboxEvents(api, id)).not.toContain('received');
  }, 60_000);

  it('texts at once when the window does not cover now', async () => {
    // Prepare: a window that begins two hours from now.
    const now = shanghaiHourNow();
    const { api, id } = await registerWith(hours(now.hour + 2, now.hour + 4));

    // Act + Assess
    const events = await eventually(
      async () => {
        const sent = await outboxEvents(api, id);
        return sent.includes('received') ? sent : undefined;
      },
      15_000,
      'the acknowledgement in the outbox',
    );
    expect(events).toContain('received');
  }, 60_000);
});
