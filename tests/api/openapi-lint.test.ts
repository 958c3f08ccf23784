// The API description passes Redocly's recommended rules (redocly.yaml: the recommended set, with "a 2XX
// response" widened to "a 2XX or redirect" for the customer's short link): servers, security schemes,
// examples that validate against their schemas, documented 4XX answers, a license. Any error or warning
// fails. Run offline: no telemetry, no update check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/api/openapi-document.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

function lint(document: unknown): LintReport {
  const file = join(dir, `openapi-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document, null, 2));
  const run = spawnSync(
    join(root, 'node_modules/.bin/redocly'),
    ['lint', file, '--config', join(root, 'redocly.yaml'), '--format=json'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' },
    },
  );
  if (run.error) throw run.error;
  return JSON.parse(run.stdout) as LintReport;
}

const summary = (report: LintReport) =>
  report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);

describe("Redocly's recommended rules on /v1/openapi.json", () => {
  it('find no error and no warning in the generated document', () => {
    const report = lint(openApiDocument());

    expect(summary(report)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  }, 120_000);

  it('find none in the document of a deployment that authorizes with IAM either', () => {
    const report = lint(openApiDocument('iam'));

    expect(summary(report)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  }, 120_000);

  it('would catch a stale example and a missing server (the lint really runs)', () => {
    // Prepare: the document with an example missing a required field, and without servers.
    const broken = structuredClone(openApiDocument()) as unknown as {
      servers?: unknown;
      paths: Record<
        string,
        Record<
          string,
          { responses: Record<string, { content?: Record<string, { example?: Record<string, unknown> }> }> }
        >
      >;
    };
    delete broken.servers;
    const example =
      broken.paths['/v1/complaints']!.post!.responses['201']!.content!['application/json']!.example!;
    delete example.clockFacts;

    // Act
    const report = lint(broken);

    // Assess
    // (The complaint example is shared by the operations that answer a complaint: each is reported.)
    expect(new Set(report.problems.map((p) => p.ruleId))).toEqual(
      new Set(['no-empty-servers', 'no-invalid-media-type-examples']),
    );
  }, 120_000);
});
