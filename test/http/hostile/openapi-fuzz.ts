import type { RawRequest } from '../../helpers/http-client.ts';

/** A seeded generator (mulberry32): the same seed makes the same requests, so a failure can be replayed. */
export function seeded(seed: number) {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
export type Random = ReturnType<typeof seeded>;

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
}

interface Parameter { readonly in: 'path' | 'query' | 'header'; readonly name: string; readonly schema?: Schema }
interface Operation { readonly parameters?: Parameter[]; readonly requestBody?: { content: Record<string, { schema: Schema }> } }
export interface OpenApiDoc { readonly paths: Record<string, Record<string, Operation>> }

/** One route to fuzz: from the route table, with its OpenAPI operation where the document has one. */
export interface FuzzRoute { readonly method: string; readonly url: string; readonly operation: Operation | null }

/** Numbers JSON cannot write (1e400 parses to Infinity) are written raw into the body text. */
const RAW = (text: string) => `\u0001raw:${text}\u0001`;
const HOSTILE_NUMBERS = [RAW('1e400'), RAW('-1e400'), RAW('1e-400'), 2147483648, -2147483649, 9007199254740993, -1, 0, 1.5, 1e21, -0];
const HOSTILE_STRINGS = [
  '', ' ', 'a\u0000b', '\u0000', '\ud800', 'x\udfffy', '\ud83d', 'x'.repeat(5000), '../../../etc/passwd', "'; DROP TABLE kpis;--",
  '%00', '%ud800', 'Infinity', '-Infinity', 'NaN', '1e400', '2016-12-31T23:59:60Z', '2026-02-30T00:00:00Z', '9999-99-99T99:99:99Z',
  '+275760-09-13T00:00:00.001Z', '\u202eevil', '😀', '<script>alert(1)</script>', '{"a":1}', 'true', 'null', '__proto__', '\r\nX-Injected: 1',
];
/** Query values as they travel: percent-encoded where a client would encode them. */
const HOSTILE_QUERY = [
  'Infinity', '-Infinity', 'NaN', '1e400', '-1e400', '2147483648', '9007199254740993', '-1', '0', '1.5', '0x10', '',
  'a%00b', '%00', '%ED%A0%80', '%F0%28%8C%28', '%', '%zz', 'x'.repeat(3000), '2016-12-31T23:59:60Z', '2026-13-01T00:00:00Z',
  'true', 'yes', 'null', '%5B%5D', '__proto__',
];
const HOSTILE_SEGMENTS = ['kpi_%00', '%00', '%ED%A0%80', '%C0%AF', '%', '%zz', '..', '%2e%2e%2f%2e%2e', 'x'.repeat(150), 'x'.repeat(3000), 'a%2Fb', '%20', '%F0%9F%98%80', 'alr_' + 'f'.repeat(60)];
const CONTENT_TYPES = [
  'application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/xml', 'application/json;;;', '',
];
const BROKEN_BODIES = ['{', '{"a":', 'null', '[]', '"text"', '1e400', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '['.repeat(5000), '\u0000', '{"a":"\\ud800"}', '\ufeff{}'];

function valueFor(schema: Schema | undefined, r: Random, depth: number): unknown {
  if (schema === undefined) return r.pick(HOSTILE_STRINGS);
  if (r.chance(0.12)) return hostileValue(r);
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) return valueFor(r.pick(alts), r, depth);
  if (schema.allOf) return valueFor(schema.allOf[0], r, depth);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return r.pick(schema.enum);
  if (schema.nullable && r.chance(0.1)) return null;
  const type = Array.isArray(schema.type) ? r.pick(schema.type) : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        if ((schema.required ?? []).includes(k) ? !r.chance(0.05) : r.chance(0.5)) out[k] = depth > 4 ? hostileValue(r) : valueFor(s, r, depth + 1);
      }
      if (r.chance(0.05)) out[r.pick(['extra', '__proto__', 'constructor', ''])] = 1;
      return out;
    }
    case 'array': return Array.from({ length: r.int(0, 3) }, () => valueFor(schema.items, r, depth + 1));
    case 'integer': case 'number': {
      const lo = schema.minimum ?? 0;
      const hi = schema.maximum ?? lo + 100;
      return r.chance(0.7) ? r.int(lo, Math.min(hi, lo + 1000)) : r.pick(HOSTILE_NUMBERS);
    }
    case 'boolean': return r.chance(0.9) ? r.chance(0.5) : r.pick(['true', 0, 'yes']);
    case 'string': {
      if (schema.format === 'date-time') return r.chance(0.7) ? new Date(Date.UTC(2026, r.int(0, 11), r.int(1, 28))).toISOString() : r.pick(HOSTILE_STRINGS);
      return r.chance(0.6) ? `fuzz-${r.int(0, 1e6)}` : r.pick(HOSTILE_STRINGS);
    }
    default: return hostileValue(r);
  }
}

function hostileValue(r: Random): unknown {
  const kind = r.int(0, 5);
  if (kind === 0) return r.pick(HOSTILE_NUMBERS);
  if (kind === 1) return { nested: { deeper: [r.pick(HOSTILE_STRINGS)] } };
  if (kind === 2) return [r.pick(HOSTILE_STRINGS), r.pick(HOSTILE_NUMBERS)];
  if (kind === 3) return r.pick([null, true, false]);
  return r.pick(HOSTILE_STRINGS);
}

const bodyText = (value: unknown): string =>
  // eslint-disable-next-line no-control-regex
  JSON.stringify(value).replace(/"\\u0001raw:([^"\\]*)\\u0001"/g, '$1');

/** Percent-encoded; a lone surrogate (which encodeURIComponent refuses) travels as its CESU-8 bytes. */
function queryValue(v: unknown): string {
  if (typeof v !== 'string') return encodeURIComponent(bodyText(v));
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
}

/** A path with its `{param}` or `:param` segments filled: mostly plausible ids, often hostile ones. */
function fillPath(url: string, r: Random): string {
  const filled = url.replace(/\{(\w+)\}|:(\w+)|\*/g, () => (r.chance(0.5) ? r.pick(HOSTILE_SEGMENTS) : `kpi_${r.int(0, 1e6)}`));
  return r.chance(0.04) ? `${filled}${r.pick(['/', '//', '/..', '%00', '?', '#x', '/extra'])}` : filled;
}

/** One hostile request for a route, with the administrator's key (so handlers are reached) most of the time. */
export function requestFor(route: FuzzRoute, r: Random, adminKey: string): RawRequest {
  const op = route.operation;
  const query: string[] = [];
  const headers: Record<string, string> = {};
  for (const p of op?.parameters ?? []) {
    if (p.in === 'query' && r.chance(0.6)) {
      const v = r.chance(0.5) ? r.pick(HOSTILE_QUERY) : queryValue(valueFor(p.schema, r, 0));
      query.push(`${p.name}=${v}`);
      if (r.chance(0.05)) query.push(`${p.name}=${v}`); // repeated: an array where one value belongs
    }
    if (p.in === 'header' && r.chance(0.5)) headers[p.name] = r.pick(['"1"', 'W/"2"', '*', 'abc', '"99999999999"', '-1', '', '"1", "2"']);
  }
  if (r.chance(0.05)) query.push(r.pick(['unknown=1', '%00=%00', 'a[b]=c', '__proto__[x]=1']));
  const auth = r.next();
  if (auth < 0.8) headers['x-api-key'] = adminKey;
  else if (auth < 0.85) headers['x-api-key'] = r.pick(['', 'mg_short', `mg_live_${'a'.repeat(40)}`, 'x'.repeat(5000), '\u00ff']);
  else if (auth < 0.9) headers.authorization = r.pick(['Bearer ', 'Bearer a.b.c', 'Basic YTpi', 'Bearer ' + 'x'.repeat(5000), 'bearer eyJhbGciOiJub25lIn0.e30.']);
  if (r.chance(0.05)) headers['last-event-id'] = r.pick(['-1', 'abc', '1e400', '99999999999999999999', 'x'.repeat(300)]);
  if (r.chance(0.03)) headers['x-correlation-id'] = r.pick(['\u00ff', 'x'.repeat(1000), '../']);
  let method = route.method;
  if (r.chance(0.03)) method = r.pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'POST']);
  let body: string | undefined;
  const schema = op?.requestBody?.content['application/json']?.schema;
  if (schema !== undefined || r.chance(0.1)) {
    body = r.chance(0.1) ? r.pick(BROKEN_BODIES) : bodyText(valueFor(schema, r, 0));
    headers['content-type'] = r.chance(0.85) ? 'application/json' : r.pick(CONTENT_TYPES);
    if (headers['content-type'] === '') delete headers['content-type'];
  }
  const search = query.length > 0 ? `?${query.join('&')}` : '';
  return { method, path: fillPath(route.url, r) + search, headers, ...(body !== undefined && method !== 'GET' ? { body } : {}) };
}

/** Every route of the route table, with its operation in the document (none for the docs UI and dashboard files). */
export function fuzzRoutes(table: readonly { method: string; url: string }[], doc: OpenApiDoc): FuzzRoute[] {
  const operations = new Map<string, Operation>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(ops)) operations.set(`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op);
  }
  return table.filter((e) => e.method !== 'HEAD').map((e) => ({ method: e.method, url: e.url, operation: operations.get(`${e.method} ${e.url}`) ?? null }));
}
