// The local Step Functions endpoint keeps its executions in a journal: a new endpoint on the same file (a
// restart) carries on with them. Callback tasks wait again with their tokens and deadlines, without
// running anything; an execution in another state enters it again; a damaged journal is refused by name.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { startLocalStepFunctions, type LocalStepFunctions } from '../../infra/local/sfn/server.ts';
import { ExecutionJournal, ExecutionJournalDamaged, readJournal } from '../../infra/local/sfn/journal.ts';
import {
  credentials,
  finished,
  fixture,
  functionArn,
  Inbox,
  region,
  rejection,
  stateMachineArn,
} from './support.ts';
import { eventually } from '../support/eventually.ts';

interface CallbackPayload {
  taskToken: string;
  ticket: string;
}

const callbackArn = stateMachineArn('callback');
const waitUntilArn = stateMachineArn('wait-until');

let dir: string;
let journalFile: string;
const endpoints: LocalStepFunctions[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sfn-journal-'));
  journalFile = join(dir, 'sfn-executions.jsonl');
});
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(inbox: Inbox<CallbackPayload>, sent: unknown[] = [], file = journalFile) {
  const sfn = await startLocalStepFunctions({
    stateMachines: [
      { arn: callbackArn, definition: fixture('callback') },
      { arn: waitUntilArn, definition: fixture('wait-until') },
    ],
    lambdaHandlers: {
      [functionArn('await-reply')]: inbox.handler,
      [functionArn('send')]: (payload) => {
        sent.push(payload);
        return { sent: true };
      },
    },
    journalFile: file,
  });
  endpoints.push(sfn);
  sfn.resumeRestored();
  return { sfn, client: new SFNClient({ endpoint: sfn.endpoint, region, credentials }) };
}

const awaitReply = (ticket: string, timeoutSeconds: number) =>
  JSON.stringify({ Payload: { ticket, timeoutSeconds } });

describe('executions kept across restarts', () => {
  it('waits again on a callback after a clean stop and completes it with the token handed out before', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const first = await start(inbox);
    const { executionArn } = await first.client.send(
      new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReply('R-1', 300) }),
    );
    const { taskToken } = await inbox.nth(0);
    await eventually(() => (first.sfn.waitingTasks() === 1 ? true : undefined));
    await first.sfn.close();
    endpoints.splice(0);

    // Act
    const second = await start(new Inbox<CallbackPayload>());
    const waitingAtStart = second.sfn.waitingTasks();
    await second.client.send(new SendTaskSuccessCommand({ taskToken, output: '{"answer":"kept"}' }));
    const execution = await finished(second.client, executionArn!);
    const history = await second.client.send(new GetExecutionHistoryCommand({ executionArn }));

    // Assess
    expect(second.sfn.restored).toMatchObject({ parked: 1, reentered: 0 });
    expect(waitingAtStart).toBe(1);
    expect(execution.status).toBe('SUCCEEDED');
    // ResultPath merged the answer into the input the task had before the restart.
    expect(JSON.parse(execution.output!)).toEqual({
      Payload: { ticket: 'R-1', timeoutSeconds: 300 },
      reply: { answer: 'kept' },
    });
    const types = history.events!.map((event) => event.type);
    expect(types).toContain('TaskSucceeded');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types.join()).not.toContain('__LocalResume');
  });

  it('survives a crash: a copy of the journal taken while the task waits restarts it', async () => {
    // Prepare: what a kill -9 leaves is the journal as it stands at that moment.
    const inbox = new Inbox<CallbackPayload>();
    const first = await start(inbox);
    const { executionArn } = await first.client.send(
      new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReply('R-2', 300) }),
    );
    const { taskToken } = await inbox.nth(0);
    await eventually(() => (first.sfn.waitingTasks() === 1 ? true : undefined));
    const crashed = join(dir, 'crashed.jsonl');
    copyFileSync(journalFile, crashed);

    // Act
    const second = await start(new Inbox<CallbackPayload>(), [], crashed);
    await second.client.send(
      new SendTaskFailureCommand({ taskToken, error: 'Customer.Declined', cause: 'no thanks' }),
    );
    const execution = await finished(second.client, executionArn!);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toMatchObject({
      outcome: 'declined',
      failure: { Error: 'Customer.Declined', Cause: 'no thanks' },
    });
  });

  it('times out at the deadline it had, even when the deadline passed while the endpoint was down', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const first = await start(inbox);
    const { executionArn } = await first.client.send(
      new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReply('R-3', 1) }),
    );
    const { taskToken } = await inbox.nth(0);
    const crashed = join(dir, 'crashed.jsonl');
    await eventually(() => (first.sfn.waitingTasks() === 1 ? true : undefined));
    copyFileSync(journalFile, crashed);
    await first.sfn.close();
    endpoints.splice(0);
    const deadline = Date.now() + 1_000;
    await eventually(() => (Date.now() > deadline ? true : undefined));

    // Act
    const second = await start(new Inbox<CallbackPayload>(), [], crashed);
    const execution = await finished(second.client, executionArn!);
    const late = await rejection(second.client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })));

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toMatchObject({
      outcome: 'timed-out',
      failure: { Error: 'States.Timeout' },
    });
    expect(late).toBeInstanceOf(TaskTimedOut);
  });

  it('enters a Wait state again after a restart and goes on at its timestamp', async () => {
    // Prepare
    const sent: unknown[] = [];
    const first = await start(new Inbox<CallbackPayload>(), sent);
    const sendAt = new Date(Date.now() + 1_500).toISOString();
    const { executionArn } = await first.client.send(
      new StartExecutionCommand({
        stateMachineArn: waitUntilArn,
        input: JSON.stringify({ sendAt, text: 'hi' }),
      }),
    );
    await eventually(() =>
      readFileSync(journalFile, 'utf8').includes('"state":"QuietHours"') ? true : undefined,
    );
    const crashed = join(dir, 'crashed.jsonl');
    copyFileSync(journalFile, crashed);
    await first.sfn.close();
    endpoints.splice(0);

    // Act
    const second = await start(new Inbox<CallbackPayload>(), sent, crashed);
    const execution = await finished(second.client, executionArn!, 10_000);

    // Assess
    expect(second.sfn.restored).toMatchObject({ parked: 0, reentered: 1 });
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.stopDate!.getTime()).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(sent).toEqual([{ sendAt, text: 'hi' }]);
  });

  it('keeps closed executions, so their names stay taken and their outcome readable', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const first = await start(inbox);
    const { executionArn } = await first.client.send(
      new StartExecutionCommand({
        stateMachineArn: callbackArn,
        name: 'once',
        input: awaitReply('R-4', 300),
      }),
    );
    const { taskToken } = await inbox.nth(0);
    await first.client.send(new SendTaskSuccessCommand({ taskToken, output: '"done"' }));
    await finished(first.client, executionArn!);
    await first.sfn.close();
    endpoints.splice(0);

    // Act
    const second = await start(new Inbox<CallbackPayload>());
    const described = await second.client.send(new DescribeExecutionCommand({ executionArn }));
    const again = await rejection(
      second.client.send(
        new StartExecutionCommand({
          stateMachineArn: callbackArn,
          name: 'once',
          input: awaitReply('R-5', 300),
        }),
      ),
    );

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output!)).toMatchObject({ reply: 'done' });
    expect((again as Error).name).toBe('ExecutionAlreadyExists');
  });

  it('compacts the journal at start to what it must hold', async () => {
    // Prepare
    const inbox = new Inbox<CallbackPayload>();
    const first = await start(inbox);
    for (let i = 0; i < 20; i++) {
      const { executionArn } = await first.client.send(
        new StartExecutionCommand({ stateMachineArn: callbackArn, input: awaitReply(`C-${i}`, 300) }),
      );
      const { taskToken } = await inbox.nth(i);
      await first.client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
      await finished(first.client, executionArn!);
    }
    await first.sfn.close();
    endpoints.splice(0);
    const before = readFileSync(journalFile, 'utf8').trimEnd().split('\n').length;

    // Act
    const second = await start(new Inbox<CallbackPayload>());
    const after = readFileSync(journalFile, 'utf8').trimEnd().split('\n');

    // Assess: a key line and one line per closed execution.
    expect(second.sfn.restored.closed).toBe(20);
    expect(before).toBeGreaterThan(60);
    expect(after).toHaveLength(21);
  });
});

describe('a damaged journal', () => {
  const lines = (...entries: object[]) => entries.map((entry) => JSON.stringify(entry)).join('\n') + '\n';
  const key = { t: 'secret', key: Buffer.alloc(32, 7).toString('base64') };
  const started = {
    t: 'start',
    arn: `${callbackArn.replace(':stateMachine:', ':execution:')}:x`,
    sm: callbackArn,
    name: 'x',
    input: '{}',
    at: 1,
  };

  it('is refused, naming the line, when a line in the middle is not an entry', async () => {
    // Prepare
    writeFileSync(journalFile, lines(key, started).replace('"t":"start"', '"t":"stort"') + lines(started));

    // Act
    const refused = await rejection(start(new Inbox<CallbackPayload>()));

    // Assess
    expect(refused).toBeInstanceOf(ExecutionJournalDamaged);
    expect((refused as Error).message).toContain('line 2 is not a journal entry');
    expect((refused as Error).message).toContain('npm run repair-data');
    expect(readFileSync(journalFile, 'utf8')).toContain('stort');
  });

  it('is refused when an entry names an execution that never started', () => {
    // Act
    const read = () =>
      readJournal(lines(key, { t: 'enter', arn: started.arn, state: 'A', input: '{}' }), 'j');

    // Assess
    expect(read).toThrow(/line 2 names an execution that never started/);
  });

  it('drops a last line cut short by a crash mid-write, and says so', () => {
    // Prepare
    const text = lines(key, started) + '{"t":"enter","arn":"' + started.arn.slice(0, 20);

    // Act
    const contents = readJournal(text, 'j');

    // Assess
    expect(contents.tornLastLine).toBe(true);
    expect(contents.executions).toHaveLength(1);
  });

  it('asks to be rewritten once it has grown past its threshold', () => {
    // Prepare
    const { journal } = ExecutionJournal.open(journalFile, { compactAfterBytes: 1_000 });
    journal.compact({ running: [], closed: [] });
    const compacted = statSync(journalFile).size;

    // Act
    for (let i = 0; i < 30; i++) journal.entered(started.arn, 'A', '{"some":"input"}');

    // Assess
    expect(journal.wantsCompaction).toBe(true);
    expect(statSync(journalFile).size).toBeGreaterThan(compacted + 1_000);
    journal.close();
  });
});
