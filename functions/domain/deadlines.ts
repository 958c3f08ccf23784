// The deadlines a person sees on a complaint (SPEC section 10): derived, never stored twice.
import type { Complaint, Deadlines } from './complaint.ts';
import { stageDeadline } from './stage.ts';

export function deadlinesOf(c: Complaint, now: Date = new Date()): Deadlines {
  const deadlines: Deadlines = {};
  if (c.clocks.response) deadlines.response = c.clocks.response.dueAt;
  if (c.clocks.resolution) deadlines.resolution = c.clocks.resolution.dueAt;
  const stage = stageDeadline(c, now);
  if (stage) deadlines.stage = stage;
  return deadlines;
}
