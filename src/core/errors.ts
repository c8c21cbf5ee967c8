/** The closed set of error codes. HTTP statuses are assigned in exactly one place (adapters/http/problem.ts). */
export type ErrorCode =
  | 'not_found'
  | 'conflict'
  /** Existed and is no more: an expired action link. */
  | 'gone'
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** One field that failed validation: a JSON-pointer-like path and what is wrong with it. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface AppErrorDetails {
  readonly errors?: readonly FieldError[];
  readonly [key: string]: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: AppErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: AppErrorDetails, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string, id: string): AppError =>
  new AppError('not_found', `${what} ${id} does not exist`, { id });

export const invalid = (errors: readonly FieldError[]): AppError =>
  new AppError('validation', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });

export const conflict = (message: string, details?: AppErrorDetails): AppError =>
  new AppError('conflict', message, details);

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
