// The local SNS endpoint driven with the real SDK (AWS Query protocol): what Publish records in the
// outbox, persistence across restarts, injected failures the SDK throws, opted-out numbers.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  GetTopicAttributesCommand,
  InternalErrorException,
  ListTopicsCommand,
  NotFoundException,
  InvalidParameterException,
  OptedOutException,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
  ThrottledException,
  type MessageAttributeValue,
} from '@aws-sdk/client-sns';
import {
  maskLinkTokens,
  startLocalSns,
  type LocalSns,
  type LocalSnsOptions,
} from '../../infra/local/sns/server.ts';
import { credentials, region, rejection } from './support.ts';

const topicArn = 'arn:aws:sns:us-east-1:123456789012:complaints-staff-level-1';
const endpointArn = 'arn:aws:sns:us-east-1:123456789012:endpoint/GCM/complaints/6a1b2c';

const running: LocalSns[] = [];
const directories: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sns) => sns.close()));
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function start(options: LocalSnsOptions = {}, maxAttempts = 1) {
  const sns = await startLocalSns({ topics: [topicArn], ...options });
  running.push(sns);
  return { sns, client: new SNSClient({ endpoint: sns.endpoint, region, credentials, maxAttempts }) };
}

function outboxFile(): string {
  const directory = mkdtempSync(join(tmpdir(), 'local-sns-'));
  directories.push(directory);
  return join(directory, 'nested', 'outbox.jsonl');
}

const attributes = (values: Record<string, string>): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );

describe('Publish', () => {
  it('records an SMS with its complaint and event attributes and the MessageId it answered', async () => {
    // Prepare
    const lines: string[] = [];
    const { sns, client } = await start({ log: (line) => lines.push(line) });

    // Act
    const { MessageId } = await client.send(
      new PublishCommand({
        PhoneNumber: '+8613800138000',
        Message: '您的投诉 C-1 已受理。',
        MessageAttributes: attributes({
          complaintId: 'C-1',
          event: 'acknowledged',
          'AWS.SNS.SMS.SMSType': 'Transactional',
        }),
      }),
    );

    // Assess
    expect(sns.outbox()).toEqual([
      expect.objectContaining({
        kind: 'sms',
        to: '+8613800138000',
        message: '您的投诉 C-1 已受理。',
        complaintId: 'C-1',
        event: 'acknowledged',
        messageId: MessageId,
        status: 'sent',
      }),
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('138****8000');
    expect(lines[0]).not.toContain('13800138000');
    expect(lines[0]).toContain('您的投诉 C-1 已受理。');
  });

  it('records push with MessageStructure=json by its default text and topic messages with their subject', async () => {
    // Prepare
    const { sns, client } = await start();
    const push = {
      default: 'Your complaint was resolved',
      GCM: JSON.stringify({ notification: { title: 'Resolved' } }),
    };

    // Act
    await client.send(
      new PublishCommand({
        TargetArn: endpointArn,
        MessageStructure: 'json',
        Message: JSON.stringify(push),
        MessageAttributes: attributes({ complaintId: 'C-2', event: 'resolved' }),
      }),
    );
    await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'Escalation',
        Message: 'C-3 escalated to level 1',
        MessageAttributes: attributes({ complaintId: 'C-3', event: 'escalated' }),
      }),
    );

    // Assess
    expect(sns.outbox({ complaintId: 'C-2' })).toEqual([
      expect.objectContaining({ kind: 'push', to: endpointArn, message: push.default, structured: push }),
    ]);
    expect(sns.outbox({ complaintId: 'C-3' })).toEqual([
      expect.objectContaining({ kind: 'topic', to: topicArn, subject: 'Escalation', event: 'escalated' }),
    ]);
    expect(sns.outbox()).toHaveLength(2);
  });

  it('refuses what SNS refuses: no target, a malformed number, a structured message without default', async () => {
    // Prepare
    const { sns, client } = await start();

    // Act
    const noTarget = await rejection(client.send(new PublishCommand({ Message: 'hello' })));
    const badNumber = await rejection(
      client.send(new PublishCommand({ PhoneNumber: '138-0013', Message: 'hello' })),
    );
    const noDefault = await rejection(
      client.send(
        new PublishCommand({ TargetArn: endpointArn, MessageStructure: 'json', Message: '{"GCM":"x"}' }),
      ),
    );

    // Assess
    expect(noTarget).toBeInstanceOf(InvalidParameterException);
    expect(badNumber).toBeInstanceOf(InvalidParameterException);
    expect(noDefault).toBeInstanceOf(InvalidParameterException);
    expect(sns.outbox()).toEqual([]);
  });

  it('answers OptedOut for an opted-out number and records nothing', async () => {
    // Prepare
    const { sns, client } = await start({ optedOutNumbers: ['+8613900139000'] });

    // Act
    const refused = await rejection(
      client.send(new PublishCommand({ PhoneNumber: '+8613900139000', Message: 'hello' })),
    );
    const check = await client.send(
      new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+8613900139000' }),
    );

    // Assess
    expect(refused).toBeInstanceOf(OptedOutException);
    expect(check.isOptedOut).toBe(true);
    expect(sns.outbox()).toEqual([]);
  });

  it('records exactly the text and attributes sent, whatever characters they hold', async () => {
    // Prepare
    const { sns, client } = await start();
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 80 })
      .filter((value) => value.trim() !== '');

    await fc.assert(
      fc.asyncProperty(text, text, async (message, complaintId) => {
        // Act
        const { MessageId } = await client.send(
          new PublishCommand({
            PhoneNumber: '+8613800138000',
            Message: message,
            MessageAttributes: attributes({ complaintId }),
          }),
        );

        // Assess
        const recorded = sns.outbox({ complaintId }).find((entry) => entry.messageId === MessageId);
        expect(recorded?.message).toBe(message);
      }),
      { numRuns: 60 },
    );
  });
});

describe('the outbox file', () => {
  it('keeps sent and dead-lettered messages across a restart', async () => {
    // Prepare
    const outboxPath = outboxFile();
    const first = await start({ outboxPath });
    await first.client.send(
      new PublishCommand({
        PhoneNumber: '+8613800138000',
        Message: 'one',
        MessageAttributes: attributes({ complaintId: 'C-4' }),
      }),
    );
    first.sns.markFailed('C-4', 'C-4.resolved.sms', 'retries exhausted', {
      kind: 'sms',
      to: '+8613800138000',
    });
    const before = first.sns.outbox();
    await first.sns.close();

    // Act
    const second = await start({ outboxPath });
    await second.client.send(
      new PublishCommand({
        PhoneNumber: '+8613800138000',
        Message: 'two',
        MessageAttributes: attributes({ complaintId: 'C-4' }),
      }),
    );

    // Assess
    const after = second.sns.outbox({ complaintId: 'C-4' });
    expect(after.slice(0, 2)).toEqual(before);
    expect(after.map((entry) => [entry.message, entry.status])).toEqual([
      ['one', 'sent'],
      ['', 'failed'],
      ['two', 'sent'],
    ]);
    expect(after[1]).toMatchObject({ key: 'C-4.resolved.sms', reason: 'retries exhausted', kind: 'sms' });
    expect(readFileSync(outboxPath, 'utf8').trim().split('\n')).toHaveLength(3);
  });
});

describe('what the stand-in leaves readable', () => {
  it('creates the outbox file for its owner only (0600), and tightens one that exists', async () => {
    // Prepare
    const outboxPath = outboxFile();
    const first = await start({ outboxPath });
    await first.client.send(new PublishCommand({ PhoneNumber: '+8613800138000', Message: 'one' }));
    const created = statSync(outboxPath).mode & 0o777;
    await first.sns.close();
    chmodSync(outboxPath, 0o644);

    // Act
    await start({ outboxPath });

    // Assess
    expect(created).toBe(0o600);
    expect(statSync(outboxPath).mode & 0o777).toBe(0o600);
  });

  it('echoes a text with its link token masked; the outbox keeps the link whole', async () => {
    // Prepare
    const lines: string[] = [];
    const { sns, client } = await start({ log: (line) => lines.push(line) });
    const text =
      '您的投诉已答复，请评价：https://ts.ems.com.cn/aZ3kP9qL2x 或 http://localhost:3000/c/Q1w2E3r4T5。';

    // Act
    await client.send(new PublishCommand({ PhoneNumber: '+8613800138000', Message: text }));

    // Assess
    expect(sns.outbox()[0]?.message).toBe(text);
    expect(lines[0]).toContain('https://ts.ems.com.cn/********** 或 http://localhost:3000/c/**********。');
    expect(lines[0]).not.toMatch(/aZ3kP9qL2x|Q1w2E3r4T5/);
  });

  it('never echoes a token of any link, whatever the base URL', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: false, withFragments: false }),
        fc.string({
          unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'),
          minLength: 10,
          maxLength: 10,
        }),
        (base, token) => {
          const masked = maskLinkTokens(`请评价 ${base.replace(/\/$/, '')}/${token} 谢谢`);
          expect(masked).not.toContain(`/${token}`);
        },
      ),
    );
  });

  it('echoes a staff alert with its link whole, and the phone of an SMS subscriber masked', async () => {
    // Prepare: the on-call supervisor gets the level-1 alerts by SMS
    const lines: string[] = [];
    const { sns, client } = await start({ log: (line) => lines.push(line) });
    await client.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sms', Endpoint: '+8613912345678' }),
    );
    const link = 'http://127.0.0.1:3000/v1/complaints/01M8VRPGRBE7AKNQ12WMQHTM9Y';

    // Act
    await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: '[L1] New urgent complaint 12WMQ-HTM9Y (delay)',
        Message: `Urgent complaint 12WMQ-HTM9Y (delay) needs a first response. Open: ${link}`,
      }),
    );

    // Assess: "complaints" is a word of the address, not a link token
    expect(sns.outbox().map((entry) => entry.message)).toEqual([
      expect.stringContaining(link),
      expect.stringContaining(link),
    ]);
    expect(lines).toEqual([
      expect.stringContaining(`Open: ${link}`),
      expect.stringContaining(`Open: ${link}`),
    ]);
    expect(lines[1]).toContain('-> 139****5678');
    expect(lines.join('\n')).not.toContain('13912345678');
  });

  it('leaves every path word and id of a link alone; masks each token even with no space between links', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'https'),
        fc.webAuthority({ withPort: true }),
        fc.array(fc.stringMatching(/^[0-9A-Za-z]{1,30}$/), { minLength: 1, maxLength: 4 }),
        fc.stringMatching(/^[0-9A-Z]{26}$/),
        (scheme, authority, words, id) => {
          // A staff link: path words (any length, "complaints" among them) and then an id.
          const staffLink = `${scheme}://${authority}/${words.join('/')}/${id}`;
          expect(maskLinkTokens(`Open: ${staffLink} now`)).toBe(`Open: ${staffLink} now`);
        },
      ),
    );
    expect(maskLinkTokens('请评价https://a.cn/aZ3kP9qL2x，或http://b.cn/Q1w2E3r4T5。')).toBe(
      '请评价https://a.cn/**********，或http://b.cn/**********。',
    );
    expect(maskLinkTokens('Rate us: https://a.cn/aZ3kP9qL2x.')).toBe('Rate us: https://a.cn/**********.');
  });
});

describe('rate limit (LOCAL_SNS_MAX_RATE)', () => {
  it('accepts at most maxRate publishes in any second and answers Throttled to the rest', async () => {
    // Prepare
    const { sns, client } = await start({ maxRate: 5 });
    const publish = (i: number) =>
      client.send(new PublishCommand({ PhoneNumber: '+8613800138000', Message: `burst ${i}` }));

    // Act: twelve at once.
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => publish(i)));

    // Assess
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    expect(refused).toHaveLength(7);
    for (const o of refused) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(ThrottledException);
    expect(sns.throttledCount()).toBe(7);
    expect(sns.outbox()).toHaveLength(5);
  });

  it('lets requests through again once the second has passed, and not at all without a limit', async () => {
    // Prepare
    const { sns, client } = await start({ maxRate: 1 });
    const publish = () => client.send(new PublishCommand({ PhoneNumber: '+8613800138000', Message: 'x' }));
    await publish();
    expect(await rejection(publish())).toBeInstanceOf(ThrottledException);

    // Act: the limit lifted at run time.
    sns.setMaxRate(0);
    const results = await Promise.all([publish(), publish(), publish()]);

    // Assess
    expect(results.every((r) => r.MessageId)).toBe(true);
    expect(sns.outbox()).toHaveLength(4);
  });
});

describe('failure injection', () => {
  it('makes the SDK throw the named exception for the next n publishes, then recovers', async () => {
    // Prepare
    const { sns, client } = await start();
    sns.failNext(2, 'Throttled');
    const publish = () =>
      client.send(new PublishCommand({ PhoneNumber: '+8613800138000', Message: 'retry me' }));

    // Act
    const first = await rejection(publish());
    const second = await rejection(publish());
    const third = await publish();

    // Assess
    expect(first).toBeInstanceOf(ThrottledException);
    expect(second).toBeInstanceOf(ThrottledException);
    expect(third.MessageId).toBeDefined();
    expect(sns.outbox().map((entry) => entry.messageId)).toEqual([third.MessageId]);
  });

  it('is absorbed by the SDK retries when fewer than its attempts, without a duplicate message', async () => {
    // Prepare
    const { sns, client } = await start({}, 3);
    sns.failNext(2, 'InternalError');

    // Act
    const result = await client.send(
      new PublishCommand({ PhoneNumber: '+8613800138000', Message: 'eventually' }),
    );

    // Assess
    expect(result.$metadata.attempts).toBe(3);
    expect(sns.outbox()).toHaveLength(1);
  });

  it('fails every publish at rate 1 and none at rate 0', async () => {
    // Prepare
    const { sns, client } = await start();
    const publish = () => client.send(new PublishCommand({ TopicArn: topicArn, Message: 'alert' }));

    // Act
    sns.setFailureRate(1);
    const failing = await rejection(publish());
    sns.setFailureRate(0);
    const recovered = await publish();

    // Assess
    expect(failing).toBeInstanceOf(InternalErrorException);
    expect(sns.outbox().map((entry) => entry.messageId)).toEqual([recovered.MessageId]);
  });
});

describe('topics', () => {
  const other = 'arn:aws:sns:us-east-1:123456789012:complaints-staff-level-2';

  it('lists the topics that exist, and pages past 100 with NextToken', async () => {
    // Prepare
    const many = Array.from({ length: 130 }, (_, n) => `arn:aws:sns:us-east-1:123456789012:topic-${n}`);
    const { client } = await start({ topics: many });

    // Act
    const first = await client.send(new ListTopicsCommand({}));
    const second = await client.send(new ListTopicsCommand({ NextToken: first.NextToken! }));

    // Assess
    expect(first.Topics!.map((topic) => topic.TopicArn)).toEqual(many.slice(0, 100));
    expect(second.Topics!.map((topic) => topic.TopicArn)).toEqual(many.slice(100));
    expect(second.NextToken).toBeUndefined();
  });

  it('answers GetTopicAttributes for a topic that exists', async () => {
    // Prepare
    const { client } = await start();

    // Act
    const { Attributes } = await client.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));

    // Assess
    expect(Attributes).toMatchObject({
      TopicArn: topicArn,
      Owner: '123456789012',
      SubscriptionsConfirmed: '0',
    });
  });

  it('answers NotFound for a publish to, or the attributes of, a topic that does not exist, and records nothing', async () => {
    // Prepare
    const { sns, client } = await start();

    // Act
    const published = await rejection(client.send(new PublishCommand({ TopicArn: other, Message: 'alert' })));
    const attributes = await rejection(client.send(new GetTopicAttributesCommand({ TopicArn: other })));

    // Assess
    expect(published).toBeInstanceOf(NotFoundException);
    expect((published as Error).message).toBe('Topic does not exist');
    expect(attributes).toBeInstanceOf(NotFoundException);
    expect(sns.outbox()).toEqual([]);
  });
});
