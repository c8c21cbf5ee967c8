import { readDocument, type ReadDocument } from '../../core/config/document.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import { parseConfigText, withLines, type LocatedError } from './config-text.ts';

export interface ConfigFileText {
  readonly read: ReadDocument;
  lineOf(path: string): number | null;
}

const refusal = (errors: readonly LocatedError[]): AppError =>
  new AppError('validation', `the configuration file has ${errors.length === 1 ? 'a problem' : `${errors.length} problems`}: ${errors
    .map((e) => `${e.line === null ? '' : `line ${e.line}: `}${e.path} ${e.message}`).join('; ')}`, { errors });

/** A file's text, read: a syntax error is refused at once (validation, with lines); shape errors travel on. */
export function readConfigFile(text: string): ConfigFileText {
  const parsed = parseConfigText(text);
  if (!parsed.ok) throw refusal(parsed.errors);
  return { read: readDocument(parsed.value), lineOf: parsed.lineOf };
}

/** A use case's refusal of the file with the line of each problem (and of the entry it names in `at`). */
export function withFileLines(e: unknown, file: ConfigFileText): unknown {
  if (!isAppError(e)) return e;
  const errors = e.details?.errors;
  if (e.code === 'validation' && errors !== undefined) return refusal(withLines(errors, file.lineOf));
  const at = e.details?.at;
  if (typeof at === 'string') return new AppError(e.code, e.message, { ...e.details, line: file.lineOf(at) }, e.cause);
  return e;
}
