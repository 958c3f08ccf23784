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
   * is stored at the end; each generated request carries one of all of them, or (one in ten) none.
   */
  tokens: { intake: string; supervisor: string; others?: readonly string[] };
}

export interface FuzzReport {
  sent: number;
  byStatus: Record<string, number>;
  serverErrors: { method: string; path: string; status: number; body: string }[];
  /** Complaints in the store that no 2xx answer announced (stored despite a refusal). */
  storedDespiteRefusal: number;
  created: number;
  seconds: number;
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
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

export async function fuzzApi(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const next = random(options.seed ?? 20261202);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const chance = (p: number) => next() < p;
  const bearers = [options.tokens.intake, options.tokens.supervisor, ...(options.tokens.others ?? [])];

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
      case 'array':
        return Array.from({ length: 1 + Math.floor(next() * 2) }, () =>
          validValue(schema.items ?? {}, depth + 1),
        );
      case 'integer': {
        const min = schema.minimum ?? 0;
        const max = Math.min(schema.maximum ?? min + 100, min + 1000);
        return min + Math.floor(next() * (max - min + 1));
      }
      case 'number': {
        const min = schema.minimum ?? 0;
        const max = Math.min(schema.maximum ?? min + 1000, min + 1000);
        const value = min + next() * (max - min);
        return schema.multipleOf ? Math.round(value / schema.multipleOf) * schema.multipleOf : value;
      }
      case 'boolean':
        return chance(0.5);
      case 'string':
      case undefined:
      default:
        if (schema.example !== undefined && chance(0.8)) return schema.example;
        if (schema.format === 'date-time') return new Date(Date.now() - next() * 86_400_000).toISOString();
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

  const build = (op: Operation): { url: string; init: RequestInit } => {
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
    const bearer = chance(0.1) ? undefined : pick(bearers);
    if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
    if (op.method === 'GET' || op.method === 'HEAD') return { url, init: { method: op.method, headers } };
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
    return { url, init: { method: op.method, headers, body: text } };
  };

  const report: FuzzReport = {
    sent: 0,
    byStatus: {},
    serverErrors: [],
    storedDespiteRefusal: 0,
    created: 0,
    seconds: 0,
  };
  const announced = new Set<string>();

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
      const { url, init } = build(op);
      const response = await fetch(url, { ...init, redirect: 'manual' });
      const text = await response.text();
      const status = response.status;
      report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
      if (status >= 500) {
        report.serverErrors.push({
          method: init.method ?? 'GET',
          path: url.replace(options.url, ''),
          status,
          body: text.slice(0, 300),
        });
      }
      if (op.method === 'POST' && op.path === '/v1/complaints' && status >= 200 && status < 300) {
        const id = (JSON.parse(text) as { id?: string }).id;
        if (id) announced.add(id);
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
  report.storedDespiteRefusal = stored.filter((id) => !announced.has(id)).length;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
