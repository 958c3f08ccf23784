// `incident …` against the embedded stack: declare, link by rule, notify, resolve, show, as a supervisor
// by default; a usage mistake is exit 2 before any request.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedStack, type EmbeddedStack } from '../../infra/local/stack.ts';
import { cliSession, type CliSession } from './run-cli.ts';
import { eventually } from '../support/eventually.ts';

let stack: EmbeddedStack;
let cli: CliSession;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'cli-incident-')), 'directory.json');
  writeFileSync(
    file,
    JSON.stringify({
      hq: { name: '总部', recipients: [] },
      regions: [{ id: 'EAST', name: '华东', recipients: [] }],
      outlets: [{ id: 'SH-01', regionId: 'EAST', name: '浦东', recipients: [] }],
    }),
  );
  // Scaled time turns quiet hours off, so texts go out at once whatever the hour.
  stack = await startEmbeddedStack({ port: 0, timeScale: 60, orgDirectoryFile: file });
  cli = cliSession({ COMPLAINTS_API: stack.url });
});

afterAll(async () => {
  await stack?.close();
});

describe('incident commands', () => {
  it('declare, link --matching, notify, resolve and show an incident', async () => {
    // Prepare: two delays at SH-01.
    const ids: string[] = [];
    for (const phone of ['13811110001', '13811110002']) {
      const submitted = await cli.run(
        'submit',
        '--channel',
        'hotline',
        '--phone',
        phone,
        '--category',
        'delay',
        '--outlet',
        'SH-01',
        '--description',
        '暴雨后快递一直没有派送',
      );
      expect(submitted.code, submitted.stderr).toBe(0);
      ids.push(/id\s+([0-9A-Z]{26})/.exec(submitted.stdout)?.[1] ?? '');
    }
    const settled = await eventually(() =>
      ids.every((id) => stack.sns.outbox({ complaintId: id }).some((e) => e.event === 'received'))
        ? true
        : undefined,
    );
    expect(settled).toBe(true);

    // Act
    const declared = await cli.run(
      'incident',
      'declare',
      '--cause',
      'severe-weather',
      '--summary',
      '台风停运',
      '--outlets',
      'SH-01',
      '--categories',
      'delay',
      '--from',
      new Date(Date.now() - 3_600_000).toISOString(),
    );
    const id = /incident (\S+) \(open\)/.exec(declared.stdout)?.[1] ?? '';
    const linked = await cli.run('incident', 'link', id, '--matching');
    const notified = await cli.run('incident', 'notify', id);
    const resolved = await cli.run('incident', 'resolve', id, '--resolution', '已恢复派送', '--amount', '10');
    const shown = await cli.run('incident', 'show', id, '--json');

    // Assess
    expect(declared.code, declared.stderr).toBe(0);
    expect(linked.stdout).toContain('link-matching: 2 complaints');
    expect(notified.stdout).toContain('notify: 2 complaints');
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      incident: { id, status: 'resolving' },
      counts: { linked: 2, notified: 2, resolved: 2, compensationTotal: 20 },
    });
  }, 60_000);

  it('is a usage error to link nothing', async () => {
    // Act
    const result = await cli.run('incident', 'link', 'some-incident');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give complaint ids or --matching');
  });
});
