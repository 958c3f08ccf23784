// DATA_DIR/endpoints.env as a shell reads it (`set -a; . endpoints.env; set +a`), for tests of that file.

/** KEY=value lines, as `set -a; . endpoints.env` reads them. */
export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
