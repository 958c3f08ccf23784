// The command line itself: help on every command, and wrong command lines rejected with exit 2 before any
// request. The API URL points at a closed port, so a request that slipped through would be exit 1.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliSession } from './run-cli.ts';

const cli = cliSession({ COMPLAINTS_API: 'http://127.0.0.1:9' });
const COMMANDS = [
  'submit',
  'list',
  'show',
  'act',
  'feedback',
  'outbox',
  'token',
  'verify',
  'erase',
  'reconcile',
];

describe('--help', () => {
  it('lists every command at the top level', async () => {
    // Act
    const { code, stdout } = await cli.run('--help');

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: complaints [options] [command]');
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it.each(COMMANDS)('works for %s', async (command) => {
    // Act
    const viaFlag = await cli.run(command, '--help');
    const viaHelp = await cli.run('help', command);

    // Assess
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stdout).toMatch(new RegExp(`^Usage: complaints ${command} `));
    expect(viaFlag.stderr).toBe('');
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it('is there for every command the program lists, including ones added later', async () => {
    // Prepare
    const commandsSection =
      (await cli.run('--help')).stdout.split('Commands:')[1]?.split('Examples:')[0] ?? '';
    const listed = [...commandsSection.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
      .map((match) => match[1]!)
      .filter((command) => command !== 'help');

    // Act
    const helps = await Promise.all(listed.map((command) => cli.run(command, '--help')));

    // Assess
    expect(listed).toEqual(expect.arrayContaining(COMMANDS));
    helps.forEach((help, i) => {
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: complaints ${listed[i]} `));
    });
  });

  it('act --help says what each action needs', async () => {
    // Act
    const { stdout } = await cli.run('act', '--help');

    // Assess
    expect(stdout).toMatch(/^ {2}resolve\s+--resolution <text> \[--amount <yuan>\]/m);
    expect(stdout).toMatch(/^ {2}assign\s+--assignee <id>$/m);
  });
});

describe('usage errors (exit 2)', () => {
  const ID = '01JD5Q8W4ZK3V9B7N2M6R0T1XY';
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /Usage: complaints/],
    ['an unknown command', ['escalate'], /unknown command 'escalate'/],
    [
      'an unknown action',
      ['act', ID, 'escalate', '--user', 'a'],
      /unknown action 'escalate'; use one of accept, assign, request-info/,
    ],
    ['an action without its detail', ['act', ID, 'close', '--user', 'a'], /close needs --reason <text>/],
    [
      'a detail the action does not take',
      ['act', ID, 'accept', '--user', 'a', '--amount', '5'],
      /--amount does not apply to accept/,
    ],
    ['a role the API does not know', ['--role', 'root', 'list'], /Allowed choices are intake/],
    ['a token without a role', ['token', '--user', 'agent-7'], /token needs --role <role>/],
    [
      'a negative amount',
      ['act', ID, 'resolve', '--user', 'a', '--resolution', 'r', '--amount', '-1'],
      /--amount <yuan>.*must be an amount/,
    ],
    [
      'submit without a channel',
      ['submit', '--phone', '13812345678', '--description', 'x'],
      /required option '--channel <channel>'/,
    ],
    [
      'an unknown channel',
      ['submit', '--channel', 'fax', '--phone', '1', '--description', 'x'],
      /Allowed choices are hotline/,
    ],
    ['a score out of range', ['feedback', ID, '--score', '6'], /--score <n>.*must be 1\.\.5/],
    ['a page size out of range', ['list', '--limit', '101'], /--limit <n>.*must be 1\.\.100/],
    ['an unknown status', ['list', '--status', 'open'], /Allowed choices are received/],
    ['an API URL that is not http', ['--api', 'ftp://example.org', 'list'], /must be an http\(s\) URL/],
    ['a stray argument', ['list', 'extra'], /too many arguments/],
  ];

  it.each(cases)('%s', async (_name, argv, message) => {
    // Act
    const { code, stdout, stderr } = await cli.run(...argv);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('takes the user from COMPLAINTS_USER, so only the API can say no (exit 1 here: nothing listens)', async () => {
    // Prepare
    const withActor = cliSession({ COMPLAINTS_API: 'http://127.0.0.1:9', COMPLAINTS_USER: 'agent-007' });

    // Act
    const { code, stderr } = await withActor.run('act', ID, 'accept');

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach the complaints API at http://127.0.0.1:9');
  });
});

describe('where the API is', () => {
  it('defaults to http://127.0.0.1:$PORT when COMPLAINTS_API is unset, like npm start', async () => {
    // Prepare: a server on a port that is not 3000 answering the list route
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ items: [], nextCursor: null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;

    try {
      // Act
      const { code, stderr } = await cliSession({ PORT: String(port), COMPLAINTS_TOKEN: 'a-token' }).run(
        'list',
      );

      // Assess
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(paths).toEqual([expect.stringMatching(/^\/v1\/complaints(\?|$)/)]);
    } finally {
      server.close();
    }
  });

  it('says which URL it tried when nothing listens on $PORT', async () => {
    // Act
    const { code, stderr } = await cliSession({ PORT: '9' }).run('list');

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('http://127.0.0.1:9');
  });
});

describe('the entry file', () => {
  it('runs under node and prints the help', () => {
    // Prepare
    const entry = fileURLToPath(new URL('../../infra/local/cli/main.ts', import.meta.url));

    // Act
    const child = spawnSync(process.execPath, [entry, '--help'], { encoding: 'utf8', timeout: 20_000 });

    // Assess
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toContain('Usage: complaints [options] [command]');
  });

  it('exits 2 on a usage error', () => {
    // Prepare
    const entry = fileURLToPath(new URL('../../infra/local/cli/main.ts', import.meta.url));

    // Act
    const child = spawnSync(process.execPath, [entry, 'act', '01JD5Q8W4ZK3V9B7N2M6R0T1XY', 'escalate'], {
      encoding: 'utf8',
      timeout: 20_000,
    });

    // Assess
    expect(child.status).toBe(2);
    expect(child.stderr).toContain("unknown action 'escalate'");
  });
});
