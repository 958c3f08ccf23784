// How a definition is prepared for the local engine: every Task found by name, also inside Parallel
// branches and Map processors, and every duration fitted to what a Node timer can hold.
import { describe, expect, it } from 'vitest';
import { ENGINE_MAX_TIMEOUT_SECONDS, prepareDefinition } from '../../infra/local/sfn/definition.ts';

const task = (extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: 'f', Payload: {} },
  End: true,
  ...extra,
});

const nested = {
  TimeoutSeconds: 40_000_000,
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Untimed', States: { Untimed: task() } },
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemProcessor: { StartAt: 'PerItem', States: { PerItem: task({ TimeoutSecondsPath: '$.t' }) } },
              End: true,
            },
          },
        },
      ],
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 40_000_000, Next: 'Long' },
    Long: task({ TimeoutSeconds: 31_536_000 }),
  },
};

describe('prepareDefinition', () => {
  it('finds Task states in Parallel branches and Map processors', () => {
    // Act
    const { tasks } = prepareDefinition(nested);

    // Assess
    expect([...tasks.keys()].sort()).toEqual(['Long', 'PerItem', 'Untimed']);
  });

  it('gives untimed tasks no 60 s limit and fits every static duration into a Node timer', () => {
    // Act
    const { engineDefinition, tasks } = prepareDefinition(nested);

    // Assess
    expect(tasks.get('Untimed')?.TimeoutSeconds).toBe(ENGINE_MAX_TIMEOUT_SECONDS);
    expect(tasks.get('Long')?.TimeoutSeconds).toBe(ENGINE_MAX_TIMEOUT_SECONDS);
    expect(tasks.get('PerItem')).not.toHaveProperty('TimeoutSeconds');
    expect(engineDefinition.TimeoutSeconds).toBe(ENGINE_MAX_TIMEOUT_SECONDS);
    expect(engineDefinition.States.Pause).toMatchObject({ Seconds: ENGINE_MAX_TIMEOUT_SECONDS });
    expect(ENGINE_MAX_TIMEOUT_SECONDS * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it('leaves the definition it was given untouched', () => {
    // Prepare
    const before = JSON.stringify(nested);

    // Act
    prepareDefinition(nested);

    // Assess
    expect(JSON.stringify(nested)).toBe(before);
  });

  it('refuses a Task name used twice, which would make the overrides ambiguous', () => {
    // Prepare
    const twice = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Send', States: { Send: task() } },
            { StartAt: 'Send', States: { Send: task() } },
          ],
          End: true,
        },
      },
    };

    // Act
    const prepare = () => prepareDefinition(twice);

    // Assess
    expect(prepare).toThrow(/Send/);
  });
});

describe('prepareDefinition with retryTimeScale', () => {
  it('divides every Retry interval and cap, keeps backoff, attempts and jitter, and leaves the original alone', () => {
    // Prepare
    const definition = {
      StartAt: 'Send',
      States: {
        Send: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Retry: [
            { ErrorEquals: ['Rejected'], MaxAttempts: 0 },
            {
              ErrorEquals: ['Throttled'],
              IntervalSeconds: 30,
              MaxAttempts: 30,
              BackoffRate: 1.5,
              MaxDelaySeconds: 900,
              JitterStrategy: 'FULL',
            },
          ],
          End: true,
        },
      },
    };

    // Act
    const { engineDefinition } = prepareDefinition(definition, { retryTimeScale: 30 });

    // Assess
    const retry = (engineDefinition as unknown as typeof definition).States.Send.Retry;
    expect(retry[0]).toEqual({ ErrorEquals: ['Rejected'], MaxAttempts: 0, IntervalSeconds: 1 / 30 });
    expect(retry[1]).toEqual({
      ErrorEquals: ['Throttled'],
      IntervalSeconds: 1,
      MaxAttempts: 30,
      BackoffRate: 1.5,
      MaxDelaySeconds: 30,
      JitterStrategy: 'FULL',
    });
    expect(definition.States.Send.Retry[1]!.IntervalSeconds).toBe(30);
  });
});
