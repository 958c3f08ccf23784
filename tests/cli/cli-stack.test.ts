// The CLI against the real embedded stack (dynalite, local Step Functions and SNS, the gateway), through
// the real global fetch: what a person at a terminal types, and what they read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedStack, type EmbeddedStack } from '../../infra/local/stack.ts';
import { cliSession, type CliSession } from './run-cli.ts';
import { eventually } from '../support/eventually.ts';

let stack: EmbeddedStack;
let cli: CliSession;
const requests: string[] = [];

beforeAll(async () => {
  // Scaled time turns quiet hours off, so the 'received' text goes out at once whatever the hour.
  stack = await startEmbeddedStack({ port: 0, timeScale: 60 });
  const countingFetch: typeof fetch = (input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
    return fetch(input, init);
  };
  cli = cliSession({ COMPLAINTS_API: stack.url }, countingFetch);
});

afterAll(async () => {
  await stack?.close();
});

async function submitted(...extra: string[]): Promise<{ id: string; shortId: string; stdout: string }> {
  const { code, stdout, stderr } = await cli.run(
    'submit',
    '--channel',
    'hotline',
    '--phone',
    '13812345678',
    '--description',
    'My parcel is three days late and tracking has not moved',
    '--locale',
    'en',
    ...extra,
  );
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const id = /id\s+([0-9A-Z]{26})/.exec(stdout)?.[1];
  const shortId = /Complaint (\S+)/.exec(stdout)?.[1];
  if (!id || !shortId) throw new Error(`no id in submit output:\n${stdout}`);
  return { id, shortId, stdout };
}

describe('a complaint from submit to list', () => {
  it('submits, shows, accepts and lists a complaint', async () => {
    // Prepare / Act
    const { id, shortId, stdout: submitOut } = await submitted('--tracking', 'EA123456789CN');
    const shown = await cli.run('show', id);
    const accepted = await cli.run('act', id, 'accept', '--user', 'agent-007');
    const listed = await cli.run('list', '--tracking', 'EA123456789CN');

    // Assess
    expect(submitOut).toMatch(/status\s+received/);
    expect(submitOut).toMatch(/category\s+\S+ \((classifier, confidence \d+%|declared)\)/);
    expect(submitOut).toMatch(/priority\s+(normal|urgent)/);
    expect(submitOut).toMatch(/respond by\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Complaint ${shortId}  ${id}`);
    expect(shown.stdout).toContain('138****5678');
    expect(accepted).toMatchObject({ code: 0, stderr: '' });
    expect(accepted.stdout).toContain(`${shortId} accept: done; now investigating`);
    expect(accepted.stdout).toMatch(/owner\s+agent-007/);
    const row = listed.stdout.split('\n').find((line) => line.includes(id));
    expect(listed.stdout.split('\n')[0]).toMatch(
      /^NO\.\s+ID\s+STATUS\s+CATEGORY\s+PRIORITY\s+LVL\s+STAGE DUE\s+TRACKING$/,
    );
    expect(row).toMatch(new RegExp(`^${shortId}\\s+${id}\\s+investigating\\s.*EA123456789CN$`));
  });

  it('finds a complaint by the short number in its texts, typed as a customer reads it', async () => {
    // Prepare
    const { id, shortId } = await submitted();

    // Act: lower case, no hyphen, as read out on the phone.
    const found = await cli.run('find', shortId.replace('-', '').toLowerCase());
    const missing = await cli.run('find', 'ZZZZZ-ZZZZZ');

    // Assess
    expect(found.code).toBe(0);
    expect(found.stdout).toContain(`Complaint ${shortId}  ${id}`);
    expect(missing.stdout).toContain('No complaint has the number ZZZZZ-ZZZZZ.');
  });

  it('--json prints the raw API response', async () => {
    // Prepare
    const { id } = await submitted();

    // Act
    const shown = await cli.run('show', id, '--json');

    // Assess
    const body = JSON.parse(shown.stdout) as { id: string; status: string; customer: { phone: string } };
    expect(body).toMatchObject({ id, status: 'received', customer: { phone: '138****5678' } });
  });

  it('says when an idempotency key replays the first complaint', async () => {
    // Prepare
    const key = `cli-test-${Date.now()}`;
    const first = await submitted('--idempotency-key', key);

    // Act
    const again = await submitted('--idempotency-key', key);

    // Assess
    expect(again.id).toBe(first.id);
    expect(first.stdout).toContain(' registered');
    expect(again.stdout).toContain('already registered with this idempotency key');
  });

  it('show --timeline adds each event with its actor and transition', async () => {
    // Prepare
    const { id } = await submitted();
    await cli.run('act', id, 'accept', '--user', 'agent-007');
    await cli.run('act', id, 'note', '--user', 'agent-007', '--text', 'called the depot');

    // Act
    const { code, stdout } = await cli.run('show', id, '--timeline');

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/accepted\s+agent-007\s+received→investigating/);
    expect(stdout).toMatch(/note\s+agent-007\s+investigating→\s+text=called the depot/);
  });

  it('resolves with compensation and records feedback, closing the complaint', async () => {
    // Prepare
    const { id, shortId } = await submitted();
    await cli.run('act', id, 'accept', '--user', 'agent-007');

    // Act
    const resolved = await cli.run(
      'act',
      id,
      'resolve',
      '--user',
      'agent-007',
      '--resolution',
      'Redelivered today',
      '--amount',
      '12.5',
    );
    const feedback = await cli.run('feedback', id, '--score', '5', '--comment', 'quick, thanks');
    const shown = await cli.run('show', id);

    // Assess
    expect(resolved.stdout).toContain(`${shortId} resolve: done; now awaiting-feedback`);
    expect(feedback.stdout).toContain(`${shortId} feedback 5/5 recorded; now closed (satisfied)`);
    expect(shown.stdout).toContain('compensation ¥12.5');
    expect(shown.stdout).toContain('Feedback 5/5');
  });

  it('lists the follow-up worklist (回访) with whose call it is and when it is due', async () => {
    // Prepare: answered, then rated 2: a follow-up call opens beside the review.
    const { id } = await submitted();
    await cli.run('act', id, 'accept', '--user', 'agent-007');
    await cli.run('act', id, 'resolve', '--user', 'agent-007', '--resolution', 'Redelivered today');
    const rated = await cli.run('feedback', id, '--score', '2');
    expect(rated.stdout).toContain('now review');

    // Act
    const listed = await cli.run('list', '--follow-up', 'open');
    const overdue = await cli.run('list', '--follow-up', 'overdue');

    // Assess: a worklist table, earliest due first, this complaint's row naming why and when.
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^NO\.\s+ID\s+OUTLET\s+REGION\s+REASON\s+DUE\s+WHEN/);
    const row = listed.stdout.split('\n').find((line) => line.includes(id));
    expect(row).toMatch(/low-score\s+\S+ \S+\s+in \d/);
    // Due in 27 minutes at this scale (3 working days of 9 hours / 60): not overdue yet.
    expect(overdue.stdout).not.toContain(id);
  });

  it('lists every page with --all', async () => {
    // Prepare
    await submitted();
    await submitted();
    const everything = JSON.parse((await cli.run('list', '--limit', '100', '--json')).stdout) as {
      items: { id: string }[];
    };

    // Act
    const paged = await cli.run('list', '--all', '--limit', '1', '--json');

    // Assess
    const ids = (JSON.parse(paged.stdout) as { items: { id: string }[] }).items.map((c) => c.id);
    expect(everything.items.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids)).toEqual(new Set(everything.items.map((c) => c.id)));
    expect(ids).toHaveLength(everything.items.length);
  });
});

describe('token', () => {
  it('prints the bearer token alone on stdout, and the API takes it as that user', async () => {
    // Prepare
    const { id } = await submitted();

    // Act
    const { code, stdout, stderr } = await cli.run('token', '--role', 'agent', '--user', 'agent-042');
    const token = stdout.trim();
    const accepted = await fetch(`${stack.url}/v1/complaints/${id}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'accept' }),
    });

    // Assess
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ owner: 'agent-042' });
  });

  it('acts as --user with the role the command needs', async () => {
    // Prepare
    const { id } = await submitted();
    await cli.run('act', id, 'accept', '--user', 'agent-007');

    // Act: an agent may not close; a supervisor may
    const asAgent = await cli.run('act', id, 'close', '--role', 'agent', '--reason', 'duplicate');
    const asSupervisor = await cli.run('act', id, 'close', '--user', 'sup-9', '--reason', 'duplicate');

    // Assess
    expect(asAgent.code).toBe(1);
    expect(asAgent.stderr).toContain('Forbidden (403)');
    expect(asSupervisor.code).toBe(0);
    const shown = await cli.run('show', id, '--timeline');
    expect(shown.stdout).toMatch(/closed\s+sup-9\s+investigating→closed/);
  });
});

describe('errors a person can act on', () => {
  it('a bad phone number is an API error (exit 1) naming the field', async () => {
    // Act
    const { code, stdout, stderr } = await cli.run(
      'submit',
      '--channel',
      'web',
      '--phone',
      '12345',
      '--description',
      'late parcel',
    );

    // Assess
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('Invalid request (400)');
    expect(stderr).toMatch(/customer\.phone: must be a mainland mobile number/);
  });

  it('an action the status does not allow is exit 1 with the actions that are allowed', async () => {
    // Prepare
    const { id } = await submitted();

    // Act
    const { code, stderr } = await cli.run('act', id, 'resolve', '--user', 'a-1', '--resolution', 'done');

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('(409)');
    expect(stderr).toMatch(/allowed now: .*accept/);
  });

  it('an unknown complaint is exit 1 with the 404 problem', async () => {
    // Act
    const { code, stderr } = await cli.run('show', '01JD5Q8W4ZK3V9B7N2M6R0T1XY');

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('Complaint not found (404)');
  });

  it('an unknown action or a missing detail is a usage error (exit 2) that sends nothing', async () => {
    // Prepare
    const { id } = await submitted();
    const before = requests.length;

    // Act
    const unknown = await cli.run('act', id, 'escalate', '--user', 'a-1');
    const incomplete = await cli.run('act', id, 'assign', '--user', 'a-1');

    // Assess
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown action 'escalate'; use one of accept, assign, request-info");
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toContain('assign needs --assignee <id>');
    expect(requests.length).toBe(before);
  });
});

describe('outbox', () => {
  it("lists the 'received' text of a complaint", async () => {
    // Prepare
    const { id, shortId } = await submitted();

    // Act
    const { code, stdout } = await eventually(async () => {
      const run = await cli.run('outbox', '--complaint', id);
      return /received/.test(run.stdout) ? run : undefined;
    });

    // Assess
    expect(code).toBe(0);
    const line = stdout.split('\n').find((l) => /\sreceived/.test(l));
    expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+sms\s+\+8613812345678\s+received\S*\s+/);
    expect(line).toContain(shortId);
  });

  it('--follow prints new messages once each until stopped', async () => {
    // Prepare
    const follow = cli.start('outbox', '--follow', '--interval', '50');

    // Act
    const { shortId } = await submitted();
    await eventually(() => (follow.stdout().includes(shortId) ? true : undefined));
    // Let it poll a few more times after the message arrived, so a repeat would have been printed.
    const polls = () => requests.filter((r) => r.includes('/_local/outbox')).length;
    const seenAt = polls();
    await eventually(() => (polls() >= seenAt + 3 ? true : undefined), 15_000, 'three more polls', 20);
    const ended = await follow.stop();

    // Assess
    expect(ended.code).toBe(0);
    const printed = ended.stdout
      .trim()
      .split('\n')
      .filter((line) => line.includes(shortId));
    expect(printed.some((line) => /\sreceived\S*\s/.test(line))).toBe(true);
    expect(polls()).toBeGreaterThanOrEqual(seenAt + 3);
    expect(new Set(printed).size).toBe(printed.length);
  });
});

describe('reaching the API', () => {
  it('a refused connection is exit 1 with the base URL', async () => {
    // Act
    const { code, stderr } = await cli.run('--api', 'http://127.0.0.1:9', 'list');

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach the complaints API at http://127.0.0.1:9');
  });
});

describe('undelivered texts', () => {
  it('lists an undelivered text as a supervisor and re-sends it once; a second re-send is refused', async () => {
    // Prepare: a closing text the provider rejects, handed to delivery as the workflow would.
    const { id } = await submitted();
    await eventually(async () => {
      const run = await cli.run('outbox', '--complaint', id);
      return /received/.test(run.stdout) ? run : undefined;
    });
    const { getServiceDeps } = await import('#composition/deps');
    const deps = getServiceDeps();
    const notification = {
      key: 'closed.61',
      audience: 'customer' as const,
      event: 'closed' as const,
      createdAt: new Date().toISOString(),
      data: { reason: 'withdrawn' },
    };
    stack.sns.failNext(1, 'InvalidParameter');
    await deps.deliveries.schedule(id, notification, new Date());
    await deps.dispatcher.dispatch(id, notification, new Date());

    // Act
    const listed = await eventually(async () => {
      const run = await cli.run('deliveries', '--state', 'dead-lettered');
      return run.stdout.includes(`${id}/closed.61`) ? run : undefined;
    });
    const resent = await cli.run('resend', `${id}/closed.61`);
    const again = await cli.run('resend', `${id}/closed.61`);

    // Assess
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`${id}/closed\\.61\\s+dead-lettered\\s+.*1 attempts\\s+SendRejected`),
    );
    expect(resent.code).toBe(0);
    expect(resent.stdout).toContain(`${id}/closed.61: re-sent (re-send 1)`);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/409|Nothing to re-send/);
    expect((await cli.run('resend', 'not-a-delivery')).code).not.toBe(0);
  });
});
