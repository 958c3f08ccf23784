// Texts held overnight released at 08:00 against an SMS provider limited to a fixed rate: none
// dead-lettered, all delivered, none twice (issue 13). The suite runs 200 texts; `npm run bench:burst`
// runs the 2,000 of the acceptance (docs/benchmarks.md). BURST_TEXTS, BURST_RATE (texts a second
// the provider accepts) and BURST_TIME_SCALE override the defaults.
import { describe, expect, it } from 'vitest';
import { SEND_CONCURRENCY } from '../../functions/workflow/tasks.ts';
import { describeFigures, runMorningBurst } from './morning-burst.ts';

const TEXTS = Number(process.env.BURST_TEXTS ?? 200);
const RATE = Number(process.env.BURST_RATE ?? 10);
const TIME_SCALE = Number(process.env.BURST_TIME_SCALE ?? 60);
/** The compressed window, the drain at the provider's rate, and room for a loaded machine. */
const TIMEOUT_MS = 120_000 + (TEXTS / RATE) * 2_000;

describe('the morning release', () => {
  it(
    `delivers ${TEXTS} texts held overnight exactly once through a throttled provider`,
    async () => {
      // Prepare, act: a 30-minute window compressed 60 times (30 s) against a provider at 10 texts a second.
      const figures = await runMorningBurst({
        texts: TEXTS,
        perComplaint: 20,
        timeScale: TIME_SCALE,
        rate: RATE,
        timeoutMs: TIMEOUT_MS,
      });
      console.log(describeFigures(figures));
      // Assess
      expect(figures.deadLettered).toBe(0);
      expect(figures.delivered).toBe(TEXTS);
      expect(figures.deliveredTwice).toBe(0);
      expect(figures.awaitingOperator).toEqual([]);
      // The provider did push back, and its limit held: throttled sends waited and went out later.
      expect(figures.snsThrottled).toBeGreaterThan(0);
      expect(figures.busiestSecond).toBeLessThanOrEqual(RATE);
      expect(figures.lambdaPeak).toBeLessThanOrEqual(SEND_CONCURRENCY);
    },
    TIMEOUT_MS + 120_000,
  );
});
