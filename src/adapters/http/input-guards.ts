import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid, type FieldError } from '../../core/errors.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * RFC 3339 date-times that JavaScript can hold: no leap second (`23:59:60` passes the RFC and becomes an
 * invalid Date), no 30 February, offsets within a day.
 */
export function isDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h <= 23 && mi <= 59 && s <= 59 && offsetOk && Number.isFinite(Date.parse(text));
}

/** Replaces AJV's `date-time` format (which lets a leap second through) with ours. */
export const onAjvCreate = (ajv: { addFormat(name: string, format: { type: 'string'; validate: (text: string) => boolean }): unknown }): void => {
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
};

/**
 * What no field of ours can hold, whatever its schema says: a NUL character (PostgreSQL text cannot
 * store it), a lone UTF-16 surrogate (not encodable as UTF-8), a number that is not finite (`"Infinity"`
 * and `1e400` coerce or parse to ±Infinity) or not exactly representable.
 */
function problemsIn(value: unknown, path: string, out: FieldError[], depth = 0): void {
  if (out.length >= 20 || depth > 64) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push({ path, message: 'must not contain a NUL character' });
    else if (LONE_SURROGATE.test(value)) out.push({ path, message: 'must be valid Unicode (a lone UTF-16 surrogate is not)' });
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push({ path, message: 'must be a finite number' });
    else if (Number.isInteger(value) && !Number.isSafeInteger(value)) out.push({ path, message: 'is too large' });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => problemsIn(v, `${path}/${i}`, out, depth + 1));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (LONE_SURROGATE.test(k) || k.includes('\u0000')) out.push({ path, message: 'has a key that is not valid Unicode' });
      problemsIn(v, `${path === '/' ? '' : path}/${k}`, out, depth + 1);
    }
  }
}

/** The field errors of a request's parameters, query and body after validation (and its coercions). */
export function hostileInput(request: Pick<FastifyRequest, 'params' | 'query' | 'body'>): FieldError[] {
  const out: FieldError[] = [];
  const strip = (p: string) => (p.endsWith(':') ? `${p}/` : p);
  problemsIn(request.params, 'params:', out);
  problemsIn(request.query, 'querystring:', out);
  problemsIn(request.body, '', out);
  return out.map((e) => ({ ...e, path: strip(e.path) || '/' }));
}

/** Refuses hostile input with a 400 before any handler (and the store) sees it. */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const errors = hostileInput(request);
    if (errors.length > 0) throw invalid(errors);
  });
}
