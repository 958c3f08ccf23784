// Tracing switched off must not load X-Ray: its import installs async hooks that follow every promise.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Loads the clients module in a fresh process, builds a client, and lists the X-Ray modules it loaded. */
function xrayModulesLoaded(env: Record<string, string | undefined>): { modules: number; traced: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    const { dynamoDocumentClient } = await import('#commons/clients');
    const { tracer } = await import('#commons/powertools');
    dynamoDocumentClient();
    const cache = createRequire(import.meta.url).cache;
    const modules = Object.keys(cache).filter((path) => path.includes('aws-xray-sdk')).length;
    console.log(JSON.stringify({ modules, traced: tracer !== undefined }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { modules: number; traced: boolean };
}

describe('tracing', () => {
  it('loads no X-Ray code when POWERTOOLS_TRACE_ENABLED=false', () => {
    const off = xrayModulesLoaded({ POWERTOOLS_TRACE_ENABLED: 'false' });

    expect(off).toEqual({ modules: 0, traced: false });
  });

  it('creates the tracer (and loads X-Ray) by default, as deployed', () => {
    const on = xrayModulesLoaded({ POWERTOOLS_TRACE_ENABLED: undefined });

    expect(on.traced).toBe(true);
    expect(on.modules).toBeGreaterThan(0);
  });
});
