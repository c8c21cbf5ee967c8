import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldError } from '../../core/errors.ts';

/** The one place where error codes become HTTP statuses. */
export const STATUS_OF: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

const TITLE_OF: Record<ErrorCode, string> = {
  validation: 'The request is not valid',
  unauthenticated: 'Authentication required',
  forbidden: 'Permission denied',
  not_found: 'Not found',
  conflict: 'Conflict',
  gone: 'Gone',
  rate_limited: 'Too many requests',
  internal: 'Internal server error',
  unavailable: 'Service unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance: string;
  requestId: string;
  errors?: readonly FieldError[];
  [extra: string]: unknown;
}

interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** The values a union of literals allows (TypeBox writes it as anyOf of const or one-value enums). */
const allowedValues = (errors: readonly AjvError[]): unknown[] =>
  errors.flatMap((v) => (v.keyword === 'const' ? [v.params.allowedValue] : v.keyword === 'enum' ? ((v.params.allowedValues as unknown[]) ?? []) : []));

/**
 * A failed union of literals is one error naming the allowed values, not one "must be equal to constant"
 * per branch and a "must match a schema in anyOf".
 */
function foldUnions(errors: readonly AjvError[]): AjvError[] {
  const out: AjvError[] = [];
  for (const v of errors) {
    if (v.keyword !== 'anyOf') continue;
    const branches = errors.filter((b) => b !== v && b.instancePath === v.instancePath && ['const', 'enum', 'type'].includes(b.keyword));
    const values = allowedValues(branches);
    if (values.length === 0) continue;
    if (branches.some((b) => b.keyword === 'type' && b.params.type === 'null')) values.push(null);
    out.push({ ...v, keyword: 'enum', message: `must be one of ${[...new Set(values)].map((x) => JSON.stringify(x)).join(', ')}` });
  }
  const folded = new Set(out.map((v) => v.instancePath));
  const rest = errors.filter((v) => !(folded.has(v.instancePath) && ['const', 'enum', 'type', 'anyOf'].includes(v.keyword)));
  return [...rest, ...out];
}

/** Fastify's schema errors as field errors with JSON-pointer paths; `body/`, `querystring/` prefixes kept. */
function fieldErrors(error: FastifyError): FieldError[] {
  const context = (error as { validationContext?: string }).validationContext ?? 'body';
  return foldUnions((error.validation ?? []) as AjvError[]).map((v) => {
    let path = v.instancePath;
    if (v.keyword === 'required') path += `/${String(v.params.missingProperty)}`;
    if (v.keyword === 'additionalProperties') path += `/${String(v.params.additionalProperty)}`;
    const message = v.keyword === 'additionalProperties' ? 'is not a known field'
      : v.keyword === 'enum' && v.params.allowedValues ? `must be one of ${(v.params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`
        : (v.message ?? 'is invalid');
    return { path: `${context === 'body' ? '' : `${context}:`}${path || '/'}`, message };
  });
}

/**
 * PostgreSQL's data exceptions that only a value from the request can cause (a character it cannot
 * store, a number or date beyond its column): a 400, should a value get past the input guards.
 */
const DATA_EXCEPTIONS = new Set(['22P05', '22021', '22003', '22008', '22007']);

/** Any thrown value as an AppError: our own, fastify's 4xx, or an unexpected fault (internal). */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError;
  if (fe?.validation) {
    const errors = fieldErrors(fe);
    return new AppError('validation', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  const state = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  if (DATA_EXCEPTIONS.has(state)) return new AppError('validation', 'a value in the request is beyond what the store can hold', undefined, error);
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  const known: Record<number, ErrorCode> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 429: 'rate_limited' };
  if (known[status]) return new AppError(known[status], fe.message);
  if (status >= 400 && status < 500) return new AppError('validation', fe.message, { status });
  return new AppError('internal', 'an unexpected error occurred', undefined, error);
}

export function problemOf(error: AppError, request: FastifyRequest): Problem {
  const { status: overridden, errors, ...rest } = error.details ?? {};
  const status = typeof overridden === 'number' ? overridden : STATUS_OF[error.code];
  const internal = error.code === 'internal';
  return {
    type: `https://monitoring-grid.dev/problems/${error.code}`,
    title: TITLE_OF[error.code],
    status,
    code: error.code,
    detail: internal ? 'an unexpected error occurred; the request id identifies it in the logs' : error.message,
    instance: request.url,
    requestId: String(request.id),
    ...(errors ? { errors: errors as FieldError[] } : {}),
    ...(internal ? {} : rest),
  };
}

export async function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const appError = toAppError(error);
  const problem = problemOf(appError, request);
  if (problem.status >= 500) request.log.error({ err: appError.cause ?? appError, code: appError.code }, 'request failed');
  // A client may come back: when the store is busy or restarting, and after a rate limit.
  const retryAfter = appError.details?.retryAfterSeconds;
  if (appError.code === 'unavailable') void reply.header('retry-after', String(typeof retryAfter === 'number' ? retryAfter : 5));
  // Also for answers that no hook saw (Fastify's refusals before routing).
  await reply.status(problem.status).type('application/problem+json').headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }).send(problem);
}
