import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Node } from 'yaml';
import type { FieldError } from '../../core/errors.ts';
import type { ConfigDocument } from '../../core/config/document.ts';

/** A problem of a configuration file with the line (1-based) it is on; null when no line can be told. */
export interface LocatedError extends FieldError {
  readonly line: number | null;
}

export type ParsedText =
  | { readonly ok: true; readonly value: unknown; lineOf(path: string): number | null }
  | { readonly ok: false; readonly errors: LocatedError[] };

/** Aliases a file may expand (YAML's billion laughs needs far more); nesting the format needs at most 4. */
const MAX_ALIAS_COUNT = 100;
const MAX_DEPTH = 16;

/** The line of every node of the file by its JSON pointer (/kpis/0/query); keys give their own line. */
function lineMap(root: Node | null, lines: LineCounter): { map: Map<string, number>; tooDeep: boolean } {
  const map = new Map<string, number>();
  let tooDeep = false;
  const lineAt = (n: { range?: [number, number, number] | null | undefined }): number | undefined => (n.range ? lines.linePos(n.range[0]).line : undefined);
  const walk = (node: unknown, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) {
      tooDeep = true;
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const line = isScalar(pair.key) ? lineAt(pair.key) : undefined;
        if (line !== undefined) map.set(`${path}/${key}`, line);
        walk(pair.value, `${path}/${key}`, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const line = item !== null && typeof item === 'object' ? lineAt(item as Node) : undefined;
        if (line !== undefined) map.set(`${path}/${i}`, line);
        walk(item, `${path}/${i}`, depth + 1);
      });
    }
  };
  if (root !== null) {
    const line = lineAt(root);
    if (line !== undefined) map.set('', line);
    walk(root, '', 0);
  }
  return { map, tooDeep };
}

const firstLine = (message: string): string => message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');

/**
 * Parses a configuration file, YAML or JSON (JSON is YAML), into plain values, refusing what could
 * exhaust the service: more aliases than MAX_ALIAS_COUNT, deeper nesting than MAX_DEPTH, several
 * documents, duplicate keys, unknown tags. Every syntax problem comes back with its line; the text of the
 * file is never quoted in a message (it may hold a secret in the wrong place).
 */
export function parseConfigText(text: string): ParsedText {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true, version: '1.2', merge: false });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const errors = problems.map((e) => ({ path: '/', line: lines.linePos(e.pos[0]).line, message: `${e.code.toLowerCase().replaceAll('_', ' ')}: ${firstLine(e.message)}` }));
    return { ok: false, errors: capped(errors) };
  }
  const { map, tooDeep } = lineMap(doc.contents as Node | null, lines);
  if (tooDeep) return { ok: false, errors: [{ path: '/', line: null, message: `nested deeper than ${MAX_DEPTH} levels; a configuration file needs 4` }] };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return { ok: false, errors: [{ path: '/', line: null, message: `refused: ${e instanceof Error ? firstLine(e.message) : 'the file cannot be read'}` }] };
  }
  return {
    ok: true,
    value,
    lineOf(path) {
      for (let p = path === '/' ? '' : path; ; p = p.slice(0, p.lastIndexOf('/'))) {
        const line = map.get(p);
        if (line !== undefined) return line;
        if (p === '') return null;
      }
    },
  };
}

/** At most this many problems are told (a broken file can make one per character); the rest are counted. */
const MAX_ERRORS = 100;

/** Without repeats, at most MAX_ERRORS of them and a last one that counts the others. */
function capped(errors: readonly LocatedError[]): LocatedError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const id = `${e.line}|${e.path}|${e.message}`;
    return seen.has(id) ? false : (seen.add(id), true);
  });
  if (unique.length <= MAX_ERRORS) return unique;
  return [...unique.slice(0, MAX_ERRORS), { path: '/', line: null, message: `and ${unique.length - MAX_ERRORS} more problems` }];
}

/** Field errors of the core with the line of their path, in the order of the file (stable within a line). */
export const withLines = (errors: readonly FieldError[], lineOf: (path: string) => number | null): LocatedError[] =>
  capped(errors.map((e) => ({ path: e.path, line: lineOf(e.path), message: e.message }))
    .sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER)));

const HEADER = `# MonitoringGrid configuration: KPIs, contacts and data sources, referring to each other by name.
# Check it with \`monitoring-grid config plan -f FILE\`; the JSON Schema: \`monitoring-grid config schema\`.
# Secrets are never written: a data source's password is passwordEnv or "password: stored".
`;

/** The document as YAML (long lines kept whole, multi-line text as block scalars). */
export const toYaml = (doc: ConfigDocument): string => `${HEADER}${stringify(doc, { lineWidth: 0, indent: 2 })}`;
