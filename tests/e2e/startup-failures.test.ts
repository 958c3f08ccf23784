// `npm start` (node infra/local/main.ts) on a prepared data directory, as an operator runs it: every start-up
// failure is one line on stderr and a non-zero exit, and a damaged store or outbox refuses to start with a
// message naming the damage and the recovery, leaving the files as they were. `npm run repair-data` is
// that recovery: after it, the stack starts with every complaint.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventually, sampleComplaint } from '../support/embedded.ts';
import {
  anyFreeServicePorts,
  listAll,
  outboxOf,
  removeDataDir,
  spawnStack,
  temporaryDataDir,
  type ComplaintBody,
  type SpawnedStack,
} from '../support/spawned-stack.ts';

// Each test starts node (and some a whole stack) once or twice: minutes on a loaded 2-core machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPLAINTS = 6;
const READY_MS = 180_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a script of the repository to its end (a start that succeeds instead is stopped and reported). */
function run(script: string, env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [script], {
    cwd: REPOSITORY_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      // Free ports for the local servers unless a test names one: PORT + 1..9 may be taken on this machine.
      ...anyFreeServicePorts(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString('utf8');
    // It started after all: stop it, so the assertion below shows what it printed instead of hanging.
    if (out.stdout.includes('is ready')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, ...out })));
}

const start = (env: Record<string, string>) => run('infra/local/main.ts', env);

/** stderr is exactly one line: no stack trace. */
function oneLine(result: Run): string {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

function listing(dir: string): Record<string, number> {
  const files: Record<string, number> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile() && !/(^|\/)(LOG|LOCK)$/.test(name)) files[name] = statSync(path).size;
  }
  return files;
}

function listen(port = 0): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const portOf = (server: Server) => (server.address() as { port: number }).port;

// A data directory as a day's work leaves it: complaints registered, texts in the outbox, a clean stop.
let prepared: string;
const directories: string[] = [];

function copyOfPrepared(): string {
  const dir = temporaryDataDir();
  directories.push(dir);
  cpSync(prepared, dir, { recursive: true });
  return dir;
}

function largestLog(dir: string): string {
  const logs = readdirSync(join(dir, 'dynamo')).filter((name) => name.endsWith('.log'));
  const [largest] = logs.sort(
    (a, b) => statSync(join(dir, 'dynamo', b)).size - statSync(join(dir, 'dynamo', a)).size,
  );
  if (!largest) throw new Error('no write-ahead log in the prepared store');
  return join(dir, 'dynamo', largest);
}

beforeAll(async () => {
  const stack = await spawnStack({ timeScale: 3600, readyTimeoutMs: READY_MS });
  prepared = stack.dataDir;
  for (let n = 0; n < COMPLAINTS; n++) {
    const response = await stack.post<ComplaintBody>(
      '/v1/complaints',
      sampleComplaint({ customer: { phone: `1391234${String(n).padStart(4, '0')}` } }),
      { 'Idempotency-Key': `startup-${n}` },
    );
    expect(response.status).toBe(201);
  }
  // Every complaint's "received" text is in the outbox before the stop.
  await eventually(
    async () => ((await outboxOf(stack)).length >= COMPLAINTS ? true : undefined),
    120_000,
    'texts',
  );
  const exit = await stack.stop('SIGTERM');
  expect(exit.code).toBe(0);
});

afterAll(() => {
  if (prepared) removeDataDir(prepared);
  for (const dir of directories) removeDataDir(dir);
});

describe('start-up failures are one line and a non-zero exit', () => {
  it('a port in use, naming the server and the variable that moves it', async () => {
    // Prepare
    const taken = await listen();
    try {
      // Act
      const api = await start({ DATA_DIR: copyOfPrepared(), PORT: String(portOf(taken)) });
      const sns = await start({ DATA_DIR: copyOfPrepared(), LOCAL_SNS_PORT: String(portOf(taken)) });
      // The token issuer and the SMS stand-ins have their pinned ports too (the Alibaba one starts last).
      const issuer = await start({ DATA_DIR: copyOfPrepared(), LOCAL_COGNITO_PORT: String(portOf(taken)) });
      const aliyun = await start({
        DATA_DIR: copyOfPrepared(),
        LOCAL_ALIYUN_SMS_PORT: String(portOf(taken)),
      });

      // Assess
      expect(api.code).toBe(1);
      expect(oneLine(api)).toBe(
        `npm start: port ${portOf(taken)} on 127.0.0.1 for the API is already in use (another npm start, or another program): stop what holds it, or set PORT to another port`,
      );
      expect(sns.code).toBe(1);
      expect(oneLine(sns)).toMatch(
        /for the local SNS is already in use .* set LOCAL_SNS_PORT to another port$/,
      );
      expect(issuer.code).toBe(1);
      expect(oneLine(issuer)).toMatch(
        /for the local token issuer is already in use .* set LOCAL_COGNITO_PORT to another port$/,
      );
      expect(aliyun.code).toBe(1);
      expect(oneLine(aliyun)).toMatch(
        /for the local Alibaba Cloud SMS is already in use .* set LOCAL_ALIYUN_SMS_PORT to another port$/,
      );
    } finally {
      taken.close();
    }
  });

  it('a second start on the same data directory, naming the process that holds it', async () => {
    // Prepare
    const first: SpawnedStack = await spawnStack({ dataDir: copyOfPrepared(), readyTimeoutMs: READY_MS });
    try {
      // Act
      const second = await start({ DATA_DIR: first.dataDir });

      // Assess
      expect(second.code).toBe(1);
      expect(oneLine(second)).toBe(
        `npm start: the data directory ${first.dataDir} is in use by process ${first.pid} (another npm start?): stop that process, or give this one another DATA_DIR`,
      );
      expect((await first.get('/v1/health')).status).toBe(200);
    } finally {
      await first.stop('SIGTERM');
    }
  });

  it('takes over the lock of a process that no longer runs', async () => {
    // Prepare: a lock left by a process that is gone
    const dir = copyOfPrepared();
    const deadPid = 2 ** 22 + 1; // above Linux's pid_max: no process can have it
    writeFileSync(join(dir, '.lock'), `${deadPid}\n`);

    // Act
    const stack = await spawnStack({ dataDir: dir, readyTimeoutMs: READY_MS });
    const output = stack.output();
    const stopped = await stack.stop('SIGTERM');

    // Assess
    expect(output).toContain(`took over the lock of process ${deadPid}`);
    expect(stopped.code).toBe(0);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    expect(existsSync(join(dir, 'endpoints.env'))).toBe(false);
  });

  it.each([
    ['SLA_POLICY', '{"x":1}', /^npm start: SLA_POLICY is invalid: x: unknown key$/],
    ['SLA_POLICY', '{not json', /^npm start: SLA_POLICY is invalid: SLA_POLICY: is not valid JSON/],
    ['COMPENSATION_RULES', '{"x":1}', /^npm start: COMPENSATION_RULES is invalid: x: unknown key$/],
    ['COMPENSATION_RULES', '{"delay"', /^npm start: COMPENSATION_RULES is not valid JSON/],
    ['LOCAL_DYNAMODB_PORT', 'eight thousand', /^npm start: LOCAL_DYNAMODB_PORT must be a port number/],
  ])('a bad %s (%s): exit 2 before anything starts', async (variable, value, message) => {
    // Prepare
    const dir = copyOfPrepared();
    const before = listing(dir);

    // Act
    const result = await start({ DATA_DIR: dir, [variable]: value });

    // Assess
    expect(result.code).toBe(2);
    expect(oneLine(result)).toMatch(message);
    expect(listing(dir)).toEqual(before);
  });
});

describe('a damaged data directory refuses to start and changes nothing', () => {
  const RECOVERY = /Nothing was changed; to recover, .*`npm run repair-data` with the same DATA_DIR/;

  it.each([
    [
      'a deleted LevelDB CURRENT file',
      (dir: string) => rmSync(join(dir, 'dynamo', 'CURRENT')),
      /^npm start: the DynamoDB store in .*\/dynamo is damaged: its CURRENT file is missing \(\d+ LevelDB files are still there\)\. /,
    ],
    [
      'a write-ahead log cut to 60% after a clean stop',
      (dir: string) => {
        const log = largestLog(dir);
        truncateSync(log, Math.floor(statSync(log).size * 0.6));
      },
      /^npm start: the DynamoDB store in .* is damaged: \d+\.log has \d+ bytes, \d+ at the last clean stop \(truncated\)\. /,
    ],
    [
      'a write-ahead log cut short after a crash (no clean-stop record)',
      (dir: string) => {
        rmSync(join(dir, 'dynamo', '.clean-stop.json'));
        const log = largestLog(dir);
        truncateSync(log, statSync(log).size - 1);
      },
      /^npm start: the DynamoDB store in .* is damaged: the write-ahead log \d+\.log ends in a partial record at byte \d+ of \d+ \(cut short: the writes after it are lost\)\. /,
    ],
    [
      'a record of the write-ahead log with a flipped byte',
      (dir: string) => {
        rmSync(join(dir, 'dynamo', '.clean-stop.json'));
        const log = largestLog(dir);
        const bytes = readFileSync(log);
        bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
        writeFileSync(log, bytes);
      },
      /^npm start: the DynamoDB store in .* is damaged: the write-ahead log \d+\.log has a record whose checksum does not match at byte \d+\. /,
    ],
  ])('%s', async (_name, damage, message) => {
    // Prepare
    const dir = copyOfPrepared();
    damage(dir);
    const before = listing(dir);

    // Act
    const result = await start({ DATA_DIR: dir });

    // Assess
    expect(result.code).toBe(1);
    const line = oneLine(result);
    expect(line).toMatch(message);
    expect(line).toMatch(RECOVERY);
    expect(listing(dir)).toEqual(before);
  });

  it.each([
    [
      'an outbox whose last line is cut short',
      (text: string) => text.slice(0, text.length - 20),
      /^npm start: the outbox .*outbox\.jsonl is damaged: its last line \(\d+\) is cut short: it has no line end and is not a whole JSON entry\. /,
    ],
    [
      'an outbox with a garbled line',
      (text: string) => {
        const lines = text.split('\n');
        lines[1] = lines[1]!.replace('{', '#');
        return lines.join('\n');
      },
      /^npm start: the outbox .* is damaged: line 2 of \d+ is not a whole JSON entry\. /,
    ],
    [
      'an outbox missing its last whole entry after a clean stop',
      (text: string) => `${text.trimEnd().split('\n').slice(0, -1).join('\n')}\n`,
      /^npm start: the outbox .* is damaged: it holds \d+ entries in \d+ bytes, \d+ in \d+ at the last clean stop \(its checksum differs\)\. /,
    ],
  ])('%s', async (_name, damage, message) => {
    // Prepare
    const dir = copyOfPrepared();
    const outbox = join(dir, 'outbox.jsonl');
    writeFileSync(outbox, damage(readFileSync(outbox, 'utf8')));
    const before = listing(dir);

    // Act
    const result = await start({ DATA_DIR: dir });

    // Assess
    expect(result.code).toBe(1);
    const line = oneLine(result);
    expect(line).toMatch(message);
    expect(line).toMatch(RECOVERY);
    expect(listing(dir)).toEqual(before);
  });
  it('a Step Functions journal with a garbled line', async () => {
    // Prepare
    const dir = copyOfPrepared();
    const journal = join(dir, 'sfn-executions.jsonl');
    const lines = readFileSync(journal, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('{', '#');
    writeFileSync(journal, lines.join('\n'));
    const before = listing(dir);

    // Act
    const result = await start({ DATA_DIR: dir });

    // Assess
    expect(result.code).toBe(1);
    const line = oneLine(result);
    expect(line).toMatch(
      /^npm start: the Step Functions journal .*sfn-executions\.jsonl is damaged: line 2 is not a journal entry\. /,
    );
    expect(line).toMatch(RECOVERY);
    expect(listing(dir)).toEqual(before);
  });
});

describe('npm run repair-data, the recovery the message names', () => {
  it('rebuilds a store whose CURRENT was deleted: the next start has every complaint', async () => {
    // Prepare
    const dir = copyOfPrepared();
    rmSync(join(dir, 'dynamo', 'CURRENT'));

    // Act
    const repair = await run('infra/local/repair-data.ts', { DATA_DIR: dir });
    const stack = await spawnStack({ dataDir: dir, readyTimeoutMs: READY_MS });
    const complaints = await listAll(stack);
    await stack.stop('SIGTERM');

    // Assess
    expect(repair.stderr).toBe('');
    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain('DynamoDB store: its CURRENT file is missing');
    expect(repair.stdout).toContain('DynamoDB store: repaired');
    expect(complaints).toHaveLength(COMPLAINTS);
  });

  it('keeps the whole entries of a cut outbox and a copy of the damaged file', async () => {
    // Prepare
    const dir = copyOfPrepared();
    const outbox = join(dir, 'outbox.jsonl');
    const entries = readFileSync(outbox, 'utf8').trimEnd().split('\n').length;
    writeFileSync(outbox, readFileSync(outbox, 'utf8').slice(0, -20));

    // Act
    const repair = await run('infra/local/repair-data.ts', { DATA_DIR: dir });
    const rewritten = readFileSync(outbox, 'utf8').trimEnd().split('\n');
    const stack = await spawnStack({ dataDir: dir, readyTimeoutMs: READY_MS });
    const served = await outboxOf(stack);
    await stack.stop('SIGTERM');

    // Assess
    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain(`outbox: kept ${entries - 1} whole entries, dropped 1 damaged line(s)`);
    expect(readdirSync(dir).some((name) => name.startsWith('outbox.jsonl.damaged-'))).toBe(true);
    expect(rewritten).toHaveLength(entries - 1);
    // The stack starts on it (texts resumed at start may add entries after the kept ones).
    expect(served.length).toBeGreaterThanOrEqual(entries - 1);
  });
  it('rewrites a damaged Step Functions journal from its whole lines; the next start carries on', async () => {
    // Prepare
    const dir = copyOfPrepared();
    const journal = join(dir, 'sfn-executions.jsonl');
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
    writeFileSync(journal, [...lines.slice(0, 2), '#garbled', ...lines.slice(2)].join('\n') + '\n');

    // Act
    const repair = await run('infra/local/repair-data.ts', { DATA_DIR: dir });
    const stack = await spawnStack({ dataDir: dir, readyTimeoutMs: READY_MS });
    await stack.stop('SIGTERM');

    // Assess
    expect(repair.code).toBe(0);
    expect(repair.stdout).toMatch(/Step Functions journal: kept \d+ executions, dropped 1 damaged line\(s\)/);
    expect(readdirSync(dir).some((name) => name.startsWith('sfn-executions.jsonl.damaged-'))).toBe(true);
    expect(stack.resumed).toBe(COMPLAINTS);
    expect(stack.carriedOn).toBe(COMPLAINTS);
  });
});
