// Fuzzing the running API from its own OpenAPI document: requests generated from each operation's schemas
// (valid ones, and valid ones mutated: missing and unknown fields, wrong types, sub-fen money, invisible
// and malformed characters, names like __proto__, broken JSON, wrong media types, tampered ids and cursors),
// sent over loopback to the local gateway. It counts server errors (5xx) and complaints stored although
// their request was refused (a 4xx). Bounded by a request count and a time limit; seeded, so a finding
// can be replayed.

/** A JSON Schema as the document writes it (OpenAPI 3.1). */
type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  multipleOf?: number;
  pattern?: string;
  format?: string;
  example?: unknown;
  default?: unknown;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

export interface FuzzOptions {
  /** Base URL of the local gateway (loopback). */
  url: string;
  requests: number;
  /** Stops early after this many seconds. */
  seconds: number;
  seed?: number;
  concurrency?: number;
  /**
   * Bearer tokens of the stack's issuer: `intake` registers the seed complaints, `supervisor` lists what
   * is stored at the end; `others` are more valid credentials by label (other roles, a delegating system,
   * whose requests name an agent in X-On-Behalf-Of half of the time); `bad` are tokens the authorizer must
   * refuse (expired, another issuer, `alg: none`, a forged signature...). Each generated request carries
   * a valid one (four in five), a bad one (one in ten) or none.
   */
  tokens: {
    intake: string;
    supervisor: string;
    others?: Readonly<Record<string, string>>;
    bad?: Readonly<Record<string, string>>;
    /** Label in `others` of a client with the delegation scope. */
    delegating?: string;
  };
}

export interface FuzzReport {
  sent: number;
  byStatus: Record<string, number>;
  serverErrors: { method: string; path: string; credential: string; status: number; body: string }[];
  /** Statuses by credential label (`none` for no Authorization header, `bad:<label>` for refused tokens). */
  byCredential: Record<string, Record<string, number>>;
  /**
   * Complaints in the store that no 2xx answer announced, plus organisation units (kind, id, version)
   * in the directory that neither existed before the run nor came back in a 2xx (stored despite a refusal).
   */
  storedDespiteRefusal: number;
  created: number;
  seconds: number;
}

/** What the stack's issuer can sign (infra/local/cognito/token-issuer.ts MintOptions, the parts used here). */
type Mint = (options: {
  role: 'intake' | 'agent' | 'supervisor' | 'auditor' | 'admin' | 'none';
  user: string;
  delegation?: boolean;
  expiresIn?: number;
  issuer?: string;
  overrides?: Record<string, unknown>;
}) => Promise<string>;

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The credentials of a fuzz run: every role of the permission table, a system with the delegation scope,
 * and tokens the authorizer must refuse (expired, foreign issuer, ID token, `alg: none`, claims changed
 * after signing, a signature flipped, not a JWT at all) plus a valid token carrying no role (403).
 */
export async function fuzzCredentials(mint: Mint): Promise<FuzzOptions['tokens']> {
  const agent = await mint({ role: 'agent', user: 'fuzz-agent' });
  const [header = '', payload = '', signature = ''] = agent.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: string };
  return {
    intake: await mint({ role: 'intake', user: 'fuzz-intake' }),
    supervisor: await mint({ role: 'supervisor', user: 'fuzz-supervisor' }),
    others: {
      agent,
      auditor: await mint({ role: 'auditor', user: 'fuzz-auditor' }),
      admin: await mint({ role: 'admin', user: 'fuzz-admin' }),
      'intake-delegating': await mint({ role: 'intake', user: 'fuzz-delegating', delegation: true }),
      'no-role': await mint({ role: 'none', user: 'fuzz-nobody' }),
    },
    delegating: 'intake-delegating',
    bad: {
      expired: await mint({ role: 'supervisor', user: 'fuzz-supervisor', expiresIn: -60 }),
      'other-issuer': await mint({
        role: 'admin',
        user: 'fuzz-admin',
        issuer: 'https://cognito-idp.example.com/pool',
      }),
      'id-token': await mint({ role: 'agent', user: 'fuzz-agent', overrides: { token_use: 'id' } }),
      'alg-none': `${b64url({ alg: 'none', typ: 'JWT', kid })}.${payload}.`,
      'claims-changed': `${header}.${b64url({ ...claims, 'cognito:groups': ['admin'] })}.${signature}`,
      'signature-flipped': `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
      'not-a-jwt': 'not-a-token',
    },
  };
}

/** mulberry32: small, fast and seedable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u0007bell',
  'a\u200bb',
  '\u202eevil',
  '\ufeffbom',
  '\ud800',
  '\udc00x',
  '１３８１２３４５６７８',
  '13812345678',
  '+86 138 1234 5678',
  '__proto__',
  'constructor',
  'toString',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%00',
  '😀👨‍👩‍👧',
  'x'.repeat(5000),
  '𠮷'.repeat(300),
];
const ODD_NUMBERS = [1e-200, -1, 0, 1e308, 0.001, 12.345, 1e21, -0, 2 ** 53 + 1, 100_000_000.01];
/** Values tried, in order, for a string with a pattern and no example (ids, ARNs, tracking numbers). */
const PATTERN_SAMPLES = [
  'outlet-12',
  'EA123456789CN',
  'arn:aws-cn:sns:cn-north-1:123456789012:endpoint/GCM/complaints-app/5a1c2d3e',
  'agent-7',
  'A1',
];
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

export async function fuzzApi(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const next = random(options.seed ?? 20261202);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const chance = (p: number) => next() < p;
  const goodCredentials: [string, string][] = [
    ['intake', options.tokens.intake],
    ['supervisor', options.tokens.supervisor],
    ...Object.entries(options.tokens.others ?? {}),
  ];
  const badCredentials = Object.entries(options.tokens.bad ?? {}).map(([label, token]): [string, string] => [
    `bad:${label}`,
    token,
  ]);

  const document = (await (await fetch(`${options.url}/v1/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }
      >
    >;
    components: { schemas: Record<string, Schema> };
  };
  const resolve = (schema: Schema): Schema =>
    schema.$ref ? resolve(document.components.schemas[schema.$ref.split('/').pop() ?? ''] ?? {}) : schema;

  const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      ...(op.requestBody ? { body: op.requestBody.content['application/json']?.schema ?? {} } : {}),
    })),
  );

  const validValue = (raw: Schema, depth = 0): unknown => {
    const schema = resolve(raw);
    if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => validValue(s, depth + 1)));
    const choices = schema.oneOf ?? schema.anyOf;
    if (choices) return validValue(pick(choices.filter((c) => resolve(c).type !== 'null')), depth + 1);
    if (schema.const !== undefined) return schema.const;
    if (schema.enum) return pick(schema.enum);
    const type = Array.isArray(schema.type) ? pick(schema.type.filter((t) => t !== 'null')) : schema.type;
    switch (type) {
      case 'object': {
        const value: Record<string, unknown> = {};
        for (const [name, property] of Object.entries(schema.properties ?? {})) {
          if (schema.required?.includes(name) || (depth < 3 && chance(0.5)))
            value[name] = validValue(property, depth + 1);
        }
        return value;
      }
      case 'array': {
        const items = Array.from({ length: 1 + Math.floor(next() * 2) }, () =>
          validValue(schema.items ?? {}, depth + 1),
        );
        // Lists of choices (channels) take each once.
        return [...new Map(items.map((item) => [JSON.stringify(item), item])).values()];
      }
      case 'integer': {
        const min = schema.minimum ?? 0;
        const max = Math.min(schema.maximum ?? min + 100, min + 1000);
        return min + Math.floor(next() * (max - min + 1));
      }
      case 'number': {
        const min = schema.minimum ?? 0;
        const max = Math.min(schema.maximum ?? min + 1000, min + 1000);
        const value = min + next() * (max - min);
        if (!schema.multipleOf) return value;
        // 0.01 steps as a client writes them (12.34, never 12.340000000000002).
        const decimals = Math.max(0, -Math.floor(Math.log10(schema.multipleOf)));
        return Number((Math.round(value / schema.multipleOf) * schema.multipleOf).toFixed(decimals));
      }
      case 'boolean':
        return chance(0.5);
      case 'string':
      case undefined:
      default:
        // A recent instant: examples date from when the document was written, and some times must be recent.
        if (schema.format === 'date-time') return new Date(Date.now() - next() * 86_400_000).toISOString();
        if (schema.example !== undefined && chance(0.8)) return schema.example;
        if (schema.pattern !== undefined) {
          const pattern = new RegExp(schema.pattern, 'u');
          const fits = PATTERN_SAMPLES.find((sample) => pattern.test(sample));
          if (fits !== undefined) return fits;
        }
        if (schema.default !== undefined) return schema.default;
        return '快递还没到'.slice(0, Math.max(schema.minLength ?? 1, 1) + Math.floor(next() * 4));
    }
  };

  const oddValue = (): unknown =>
    pick([() => pick(ODD_STRINGS), () => pick(ODD_NUMBERS), () => null, () => [], () => ({}), () => true])();

  /** A valid body changed in one to three places. */
  const mutate = (value: unknown, depth = 0): unknown => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || depth > 3) return oddValue();
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const edit = Math.floor(next() * 5);
    if (edit === 0 && keys.length > 0) delete copy[pick(keys)];
    else if (edit === 1)
      Object.defineProperty(copy, pick([...PROTOTYPE_NAMES, 'unknownField']), {
        value: oddValue(),
        enumerable: true,
      });
    else if (keys.length > 0) {
      const key = pick(keys);
      copy[key] = edit === 2 ? mutate(copy[key], depth + 1) : oddValue();
    }
    return copy;
  };

  /** A path segment as a client would send it; a lone surrogate (which cannot be percent-encoded) as %ED%A0%80. */
  const segment = (text: string): string => {
    try {
      return encodeURIComponent(text) || 'x';
    } catch {
      return '%ED%A0%80';
    }
  };

  let seeds: string[] = [];
  const pathValue = (name: string): string => {
    if (name === 'id') {
      if (seeds.length > 0 && chance(0.6)) return pick(seeds);
      return pick([
        '01ARZ3NDEKTSV4RRFFQ69G5FAV',
        'not-an-id',
        '%00',
        '..',
        '0'.repeat(26),
        segment(pick(ODD_STRINGS)),
      ]);
    }
    return pick(['aZ3kP9qL2x', 'short', segment(pick(ODD_STRINGS)), 'v1']);
  };

  const build = (op: Operation): { url: string; init: RequestInit; credential: string } => {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => pathValue(name));
    const query = new URLSearchParams();
    const headers: Record<string, string> = {};
    for (const parameter of op.parameters) {
      if (parameter.in === 'path') continue;
      if (!parameter.required && chance(0.6)) continue;
      const value = chance(0.75) ? validValue(parameter.schema ?? {}) : oddValue();
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (parameter.in === 'query') query.set(parameter.name, text);
      else if (/^[\x20-\x7e]*$/.test(text)) headers[parameter.name] = text;
    }
    if (chance(0.1)) query.set(pick(PROTOTYPE_NAMES), pick(['1', '', 'x']));
    if (chance(0.05))
      query.set(
        'cursor',
        pick([
          'e30',
          'eyJ3YWxrIjoiY3JlYXRlZCJ9',
          Buffer.from(JSON.stringify({ walk: 'partition', query: '', after: { pk: '' } })).toString(
            'base64url',
          ),
        ]),
      );
    const url = `${options.url}${path}${query.size > 0 ? `?${query}` : ''}`;
    const roll0 = next();
    const [credential, bearer] =
      roll0 < 0.1
        ? ['none', undefined]
        : roll0 < 0.2 && badCredentials.length > 0
          ? pick(badCredentials)
          : pick(goodCredentials);
    if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
    if (credential === options.tokens.delegating && chance(0.5))
      headers['X-On-Behalf-Of'] = chance(0.9)
        ? pick(['agent-7', 'fuzz-agent'])
        : pick(ODD_STRINGS.filter((text) => /^[\x20-\x7e]*$/.test(text)));
    if (op.method === 'GET' || op.method === 'HEAD')
      return { url, init: { method: op.method, headers }, credential };
    const valid = op.body ? validValue(op.body) : {};
    const body = chance(0.3) ? valid : mutate(valid);
    const roll = next();
    const text =
      roll < 0.03
        ? '{"channel":'
        : roll < 0.05
          ? JSON.stringify(body).replace('{', '{"__proto__":{"x":1},')
          : JSON.stringify(body);
    headers['content-type'] = roll > 0.97 ? 'text/plain' : 'application/json';
    if (op.path === '/v1/complaints' && chance(0.3))
      headers['Idempotency-Key'] = `fuzz-${Math.floor(next() * 50)}`;
    return { url, init: { method: op.method, headers, body: text }, credential };
  };

  const report: FuzzReport = {
    sent: 0,
    byStatus: {},
    serverErrors: [],
    byCredential: {},
    storedDespiteRefusal: 0,
    created: 0,
    seconds: 0,
  };
  const announced = new Set<string>();
  type Directory = { hq?: Unit; regions: Unit[]; outlets: Unit[] };
  type Unit = { kind: string; id: string; version: number };
  const unitKey = (unit: Unit) => `${unit.kind}:${unit.id}:${unit.version}`;
  const directoryUnits = async (): Promise<string[]> => {
    const response = await fetch(`${options.url}/v1/org`, {
      headers: { authorization: `Bearer ${options.tokens.supervisor}` },
    });
    const directory = (await response.json()) as Directory;
    return [...(directory.hq ? [directory.hq] : []), ...directory.regions, ...directory.outlets].map(unitKey);
  };
  const unitsAnnounced = new Set(await directoryUnits());

  // A few real complaints (fixed valid bodies) so actions, reads and the personal-data route meet real ids.
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${options.url}/v1/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.tokens.intake}` },
      body: JSON.stringify({
        channel: 'hotline',
        description: '快递寄出五天了还没到，物流信息一直不更新',
        customer: { phone: `1391234000${i}`, name: '张三' },
        trackingNumber: `SF123456789${i}`,
      }),
    });
    const created = (await response.json()) as { id?: string };
    if (response.status === 201 && created.id) seeds = [...seeds, created.id];
  }
  if (seeds.length === 0) throw new Error('the fuzz run could not register its seed complaints');
  for (const id of seeds) announced.add(id);

  const worker = async () => {
    while (report.sent < options.requests && Date.now() - started < options.seconds * 1000) {
      report.sent++;
      const op = pick(operations);
      const { url, init, credential } = build(op);
      const response = await fetch(url, { ...init, redirect: 'manual' });
      const text = await response.text();
      const status = response.status;
      report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
      const seen = (report.byCredential[credential] ??= {});
      seen[status] = (seen[status] ?? 0) + 1;
      if (status >= 500) {
        report.serverErrors.push({
          method: init.method ?? 'GET',
          path: url.replace(options.url, ''),
          credential,
          status,
          body: text.slice(0, 300),
        });
      }
      if (op.method === 'POST' && op.path === '/v1/complaints' && status >= 200 && status < 300) {
        const id = (JSON.parse(text) as { id?: string }).id;
        if (id) announced.add(id);
      }
      if (op.method === 'POST' && op.path === '/v1/org/units' && status >= 200 && status < 300) {
        unitsAnnounced.add(unitKey(JSON.parse(text) as Unit));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));

  // Every complaint in the store must be one a 2xx announced.
  let cursor: string | undefined;
  const stored: string[] = [];
  do {
    const page = (await (
      await fetch(
        `${options.url}/v1/complaints?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { headers: { authorization: `Bearer ${options.tokens.supervisor}` } },
      )
    ).json()) as {
      items: { id: string }[];
      nextCursor: string | null;
    };
    stored.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  report.created = announced.size - seeds.length;
  report.storedDespiteRefusal =
    stored.filter((id) => !announced.has(id)).length +
    (await directoryUnits()).filter((unit) => !unitsAnnounced.has(unit)).length;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
