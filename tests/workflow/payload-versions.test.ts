// Every payload shape the workflows ever handed a task (tests/fixtures/payloads/<function>/<version>-<commit>)
// is accepted by today's handler for that task, with the fields its use case reads. Executions live for
// weeks on the versions they started with, and continue or hand over to newer code: see payloads.ts.
import { readdirSync, readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_PAYLOAD_VERSION } from '#domain/ports';
import { TASK_PAYLOADS } from '../../functions/workflow/payloads.ts';
import { WORKFLOW_TASKS } from '../../functions/workflow/tasks.ts';
import { complaintDefinitionTemplate, notificationDefinitionTemplate } from '#workflows/definitions';

const FIXTURES = new URL('../fixtures/payloads/', import.meta.url);
type TaskName = keyof typeof TASK_PAYLOADS;

const fixtures = readdirSync(FIXTURES).flatMap((task) =>
  readdirSync(new URL(`${task}/`, FIXTURES)).map((file) => ({
    task: task as TaskName,
    shape: file.replace(/\.json$/, ''),
    payload: JSON.parse(readFileSync(new URL(`${task}/${file}`, FIXTURES), 'utf8')) as Record<
      string,
      unknown
    >,
  })),
);

const context = { functionName: 'payload-fixtures', awsRequestId: 'fixture' } as Context;

describe('payload fixtures', () => {
  it('cover every task, each with its current version', () => {
    expect([...new Set(fixtures.map((f) => f.task))].sort()).toEqual(
      WORKFLOW_TASKS.map((t) => t.functionName).sort(),
    );
    for (const task of WORKFLOW_TASKS) {
      const current = fixtures.filter(
        (f) => f.task === task.functionName && f.payload.v === WORKFLOW_PAYLOAD_VERSION,
      );
      expect(current.length, task.functionName).toBeGreaterThan(0);
    }
  });

  it.each(fixtures.map((f) => [`${f.task} ${f.shape}`, f] as const))(
    'today’s schema reads %s with what its use case needs',
    (_, { task, payload }) => {
      // Act
      const parsed = TASK_PAYLOADS[task].safeParse(payload);

      // Assess: what the use cases read survived (complaintId; stage.seq; opening; taskToken; notification).
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      const data = parsed.data as Record<string, unknown>;
      expect(data.complaintId).toBe(payload.complaintId);
      for (const field of ['stage', 'opening', 'taskToken', 'error', 'notification']) {
        expect(data[field], field).toEqual(payload[field]);
      }
    },
  );

  it.each(fixtures.map((f) => [`${f.task} ${f.shape}`, f] as const))(
    'today’s %s handler accepts it (fails only later, for want of the deployment’s configuration)',
    async (_, { task, payload }) => {
      // Prepare: the handler module as deployed; no TABLE_NAME etc., so work stops after parsing.
      const entry = WORKFLOW_TASKS.find((t) => t.functionName === task)!.entry;
      const { handler } = (await import(`../../${entry}`)) as {
        handler: (event: unknown, context: Context) => Promise<unknown>;
      };

      // Act
      const error = await handler(structuredClone(payload), context).then(
        () => undefined,
        (thrown: unknown) => thrown as Error,
      );

      // Assess
      expect(error?.name).toBe('ConfigurationError');
    },
  );
});

describe('payload versions', () => {
  const stageTimer = TASK_PAYLOADS['stage-timer'];
  const current = fixtures.find((f) => f.task === 'stage-timer' && f.shape === 'v2')!.payload;

  it('read a newer version as the current one: versions only add fields', () => {
    const newer = { ...current, v: WORKFLOW_PAYLOAD_VERSION + 1, addedLater: { anything: true } };

    expect(stageTimer.safeParse(newer).success).toBe(true);
  });

  it('hold the current version to the current shape (a v2 stage has its dueAt)', () => {
    const stage = { ...(current.stage as Record<string, unknown>) };
    delete stage.dueAt;

    expect(stageTimer.safeParse({ ...current, stage }).success).toBe(false);
    expect(stageTimer.safeParse({ ...current, complaintId: undefined }).success).toBe(false);
  });

  it('are what the definitions build: each task payload states the current version or is the execution input', () => {
    for (const template of [complaintDefinitionTemplate(), notificationDefinitionTemplate()]) {
      const states = (JSON.parse(template) as { States: Record<string, Record<string, unknown>> }).States;
      for (const [name, state] of Object.entries(states)) {
        const parameters = state.Parameters as Record<string, unknown> | undefined;
        if (state.Type !== 'Task' || !parameters || !('FunctionName' in parameters)) continue;
        if (parameters['Payload.$'] === '$') continue;
        expect((parameters.Payload as { v?: unknown }).v, name).toBe(WORKFLOW_PAYLOAD_VERSION);
      }
    }
  });
});
