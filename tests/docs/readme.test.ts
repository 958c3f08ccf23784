// The README is the newcomer's first hour: its walkthrough must paste and paste again as it is, and its
// route table must name every route the API serves.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../functions/api/routes.ts';
import { ENVIRONMENT_VARIABLES } from '../../functions/commons/config.ts';
import { isCustomerQuietTime } from '../../functions/domain/notifications/quiet-hours.ts';
import { removeDataDir, spawnStack, type SpawnedStack } from '../support/spawned-stack.ts';
import { SERVICE_PORT_VARIABLES } from '../../infra/local/startup-failure.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first sh block of a section. */
function shBlock(heading: string): string {
  const section = README.slice(README.indexOf(`## ${heading}`));
  const match = /```sh\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error(`no sh block under ## ${heading}`);
  return match[1];
}

describe('README walkthrough', () => {
  let stack: SpawnedStack;
  beforeAll(async () => {
    // The walkthrough as a reader runs it: real time, the default quiet hours.
    stack = await spawnStack({ environment: { CUSTOMER_QUIET_HOURS: '21-08' } });
  }, 60_000);
  afterAll(async () => {
    await stack.stop('SIGTERM');
    removeDataDir(stack.dataDir);
  });

  it('pastes twice as written: each run registers, accepts, resolves and closes a complaint', () => {
    // The block talks to localhost:3000 as the README says; here the stack listens on a free port, and
    // the CLI inside the block follows PORT as it does for a reader.
    const script = shBlock('Try it').replaceAll('localhost:3000', `localhost:${stack.port}`);
    const runs = [1, 2].map(() => {
      const quietBefore = isCustomerQuietTime(new Date());
      const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(stack.port) },
        encoding: 'utf8',
        timeout: 60_000,
      });
      const quietAfter = isCustomerQuietTime(new Date());
      // The README says so: in real time a text created 21:00-08:00 Shanghai waits for the morning, so a
      // night-time paste shows no customer text. A run that straddles 08:00 or 21:00 may show either.
      return { ...run, quiet: quietBefore === quietAfter ? quietBefore : undefined };
    });
    const ids = runs.map((run) => {
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      const lines = run.stdout.split('\n');
      const id = /^registered (\w{26})$/.exec(lines[0] ?? '')?.[1];
      expect(id, run.stdout).toBeDefined();
      expect(lines.slice(1, 4)).toEqual(['investigating', 'awaiting-feedback', 'closed']);
      const outbox = JSON.parse(lines[5] ?? '{}') as { items?: { complaintId: string; event: string }[] };
      const events = outbox.items?.map((m) => m.event);
      expect(events, 'the outbox answers with a list').toBeDefined();
      if (run.quiet === false) expect(events).toContain('received');
      if (run.quiet === true) expect(events).not.toContain('received');
      return id;
    });
    expect(new Set(ids).size).toBe(2);
  }, 120_000);

  it('the start banner’s "Try it" block pastes twice as well, each paste a new complaint', () => {
    // The block as printed: its lines indented by two spaces under the "Try it" line.
    const block = /^Try it .*\n((?: {2}.*(?:\n|$))+)/m.exec(stack.output())?.[1];
    expect(block, stack.output()).toBeDefined();
    const script = block!.replace(/^ {2}/gm, '');
    const runs = [1, 2].map(() =>
      // No PORT: the block names the stack's address itself.
      spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        encoding: 'utf8',
        timeout: 60_000,
      }),
    );
    const ids = runs.map((run) => {
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      const [registered, status, timeline] = run.stdout.split('\n');
      const id = /^registered (\w{26})$/.exec(registered ?? '')?.[1];
      expect(id, run.stdout).toBeDefined();
      expect(status).toBe('investigating');
      const events = (JSON.parse(timeline ?? '{}') as { items?: { type: string }[] }).items;
      expect(events?.map((event) => event.type)).toEqual(expect.arrayContaining(['registered', 'accepted']));
      return id;
    });
    expect(new Set(ids).size).toBe(2);
  }, 120_000);
});

describe('README route table', () => {
  // A row names its method and path; "(and `HEAD`)" after a GET documents the HEAD beside it.
  const documented = new Set(
    [...README.matchAll(/^\| `(GET|POST|PUT|DELETE|PATCH) ([^`?]+)[^|]*?(\(and `HEAD`\))?\s*\|/gm)].flatMap(
      (m) => (m[3] ? [`${m[1]} ${m[2]}`, `HEAD ${m[2]}`] : [`${m[1]} ${m[2]}`]),
    ),
  );

  it('lists every route the API serves', () => {
    const missing = API_ROUTES.map((r) => `${r.method} ${r.resource}`).filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
  });
});

describe('README configuration table', () => {
  /** Variables the embedded stack and the CLI read from their environment (infra/local). */
  function localVariables(): string[] {
    const names = new Set<string>();
    const dir = join(ROOT, 'infra', 'local');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const m of text.matchAll(/\benv(?:ironment)?\.([A-Z][A-Z0-9_]{2,})\b/g)) names.add(m[1]!);
    }
    return [...names];
  }
  // Set by the platform or the terminal, not by an operator of this product.
  const NOT_OURS = new Set(['AWS_REGION', 'AWS_SESSION_TOKEN', 'TERM', 'NO_COLOR', 'HOME', 'PATH']);
  const isOurs = (name: string) => !NOT_OURS.has(name) && !name.startsWith('AWS_ENDPOINT_URL_');

  it('gives each local server’s port variable the offset from PORT that npm start uses', () => {
    const offsets = Object.values(SERVICE_PORT_VARIABLES).map(({ variable }) => {
      const row = new RegExp(`^\\| \`${variable}\`\\s*\\| \`PORT\` \\+ (\\d+)\\s*\\|`, 'm').exec(README);
      return [variable, Number(row?.[1])];
    });
    expect(offsets).toEqual(
      Object.values(SERVICE_PORT_VARIABLES).map(({ variable, offset }) => [variable, offset]),
    );
    const last = Math.max(...Object.values(SERVICE_PORT_VARIABLES).map(({ offset }) => offset));
    // Wherever the README sums the ports up ("`PORT` + 1..N"), N is the last offset.
    const ranges = [...README.matchAll(/`PORT` \+ 1\.\.(\d+)/g)].map((m) => Number(m[1]));
    expect(ranges.length).toBeGreaterThan(0);
    expect(
      ranges.every((n) => n === last),
      `PORT + 1..${ranges.join(', 1..')}`,
    ).toBe(true);
    expect(README).not.toMatch(/`PORT` \+ 1, 2/);
  });

  it('names every variable the functions, the embedded stack and the CLI read', () => {
    const missing = [...ENVIRONMENT_VARIABLES, ...localVariables()]
      .filter(isOurs)
      .filter((name) => !README.includes(`\`${name}\``));
    expect([...new Set(missing)]).toEqual([]);
  });
});
