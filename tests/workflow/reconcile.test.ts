// The reconciler (functions/use-cases/reconcile.ts) on the embedded stack: a closed complaint whose
// execution ended before handing over the texts it still owed gets them delivered by the next reconcile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getServiceDeps } from '#composition/deps';
import { withNotification } from '#domain/notices';
import { getComplaint } from '#use-cases/queries';
import { reconcile } from '#use-cases/reconcile';
import { saveNext } from '#use-cases/service-deps';
import { eventually, sampleComplaint, startTestApi, type TestApi } from '../support/embedded.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ timeScale: 36_000 });
});
afterAll(async () => {
  await api?.close();
});

const outboxKeys = async (id: string) =>
  (await api.get<{ items: { key: string | null }[] }>(`/_local/outbox?complaintId=${id}`)).body.items.map(
    (m) => m.key,
  );

describe('reconcile', () => {
  it('delivers what a closed complaint still owed when its execution ended before the Finish step', async () => {
    // Prepare: a complaint closed through the API, whose execution has finished...
    const { id } = (
      await api.post<{ id: string }>(
        '/v1/complaints',
        sampleComplaint({ customer: { phone: '13900003333' } }),
      )
    ).body;
    await eventually(
      async () => {
        const r = await api
          .as({ role: 'supervisor', user: 'supervisor-1' })
          .post<{ status: string }>(`/v1/complaints/${id}/actions`, { action: 'close', reason: '客户撤诉' });
        return r.status === 200 ? r.body : undefined;
      },
      10_000,
      'close',
    );
    await eventually(
      async () => ((await getServiceDeps().workflow.isRunning(id, 0)) ? undefined : true),
      10_000,
      'execution end',
    );
    // ...and a text it owes that no Finish step handed over (as when the process died in between).
    const deps = getServiceDeps();
    const closed = await getComplaint(deps, id);
    const owing = withNotification(
      closed,
      { audience: 'customer', event: 'closed', data: { reason: 'withdrawn' } },
      new Date(),
    );
    await saveNext(deps.store, closed, owing, new Date());
    const owedKey = owing.outbox.at(-1)?.key ?? '';

    // Act
    const report = await reconcile(deps);

    // Assess: the text goes out and the complaint owes nothing any more.
    expect(report.deliveriesResumed).toBeGreaterThanOrEqual(1);
    await eventually(
      async () => ((await outboxKeys(id)).includes(owedKey) ? true : undefined),
      10_000,
      'owed text',
    );
    expect((await getComplaint(deps, id)).outbox).toEqual([]);
  });
});
