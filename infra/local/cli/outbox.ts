// `outbox`: what the local SNS sink recorded (GET /_local/outbox), once or followed like `tail -f`. The
// outbox only ever grows, so following means printing whatever lies past the entries already shown.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiUnreachable, type ApiClient } from './api.ts';
import { shanghaiTime } from './format.ts';

export interface OutboxItem {
  at: string;
  kind: string;
  to: string;
  message: string;
  complaintId: string | null;
  event: string | null;
  key: string | null;
  status: string;
  /** Which provider's stand-in took it (absent: SNS). */
  provider?: string;
  subject?: string;
  reason?: string;
}

export function fetchOutbox(api: ApiClient, complaintId: string | undefined): Promise<OutboxItem[]> {
  return api
    .get<{ items: OutboxItem[] }>('/_local/outbox', { complaintId })
    .then((response) => response.body.items);
}

/** One line per message: time (Asia/Shanghai), kind, recipient, event, text; failures say why. */
export function outboxLine(item: OutboxItem): string {
  const failed = item.status === 'failed' ? `  [failed${item.reason ? `: ${item.reason}` : ''}]` : '';
  const text = (item.subject ? `${item.subject}: ${item.message}` : item.message).replace(
    /\s*\r?\n\s*/g,
    ' ',
  );
  return [
    shanghaiTime(item.at),
    item.kind.padEnd(5),
    recipient(item.to).padEnd(24),
    (item.event ?? '-').padEnd(20),
    text + failed,
  ].join('  ');
}

/** Topic and endpoint ARNs are long; their last segment names them well enough. */
function recipient(to: string): string {
  return to.startsWith('arn:') ? (to.split(':').at(-1) ?? to) : to;
}

export interface FollowOptions {
  complaintId: string | undefined;
  intervalMs: number;
  signal: AbortSignal | undefined;
  print: (item: OutboxItem) => void;
  warn: (line: string) => void;
}

/**
 * Prints the outbox, then polls and prints only entries past those already printed, until the signal
 * aborts. A lost connection after the first poll is reported once and retried (the stack may restart).
 */
export async function followOutbox(api: ApiClient, options: FollowOptions): Promise<void> {
  let shown = 0;
  let unreachable = false;
  for (let first = true; !options.signal?.aborted; first = false) {
    try {
      const items = await fetchOutbox(api, options.complaintId);
      // An in-memory stack that restarted starts a new outbox: print it from the start.
      if (items.length < shown) shown = 0;
      for (const item of items.slice(shown)) options.print(item);
      shown = items.length;
      if (unreachable) options.warn('reconnected');
      unreachable = false;
    } catch (error) {
      if (options.signal?.aborted) return;
      if (first || !(error instanceof ApiUnreachable)) throw error;
      if (!unreachable) options.warn(`${error.message}; retrying every ${options.intervalMs} ms`);
      unreachable = true;
    }
    try {
      await sleep(options.intervalMs, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      return; // aborted: Ctrl-C ends a follow normally
    }
  }
}
