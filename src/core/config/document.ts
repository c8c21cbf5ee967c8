import type { FieldError } from '../errors.ts';
import { FieldErrors } from '../shared/validation.ts';
import { FILE_LIMITS, FILE_VERSION, SECTIONS, SECTION_ORDER, type FieldSpec, type SectionName } from './fields.ts';

/** One entry of a section as the file gives it: only the fields of its section, each of its type. */
export type Entry = Readonly<Record<string, unknown>>;

/** A configuration file's content, as export writes it: every section present (empty when it has none). */
export interface ConfigDocument {
  readonly version: typeof FILE_VERSION;
  readonly dataSources: readonly Entry[];
  readonly contacts: readonly Entry[];
  readonly kpis: readonly Entry[];
}

/** An entry read from a file, with where it is (a JSON pointer such as /kpis/3). */
export interface LocatedEntry {
  readonly at: string;
  readonly entry: Entry;
  /**
   * False when a field of the entry was refused for its type: the rules of the entity (which may span
   * fields) are then not checked, so that one wrong value is not reported twice in other words.
   */
  readonly complete: boolean;
}

export type Sections<T> = Readonly<Record<SectionName, T>>;

const TOP_LEVEL = new Set(['version', '$schema', ...SECTION_ORDER]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : isObject(v) ? 'a mapping' : `a ${typeof v}`);

function checkString(v: string, path: string, errors: FieldErrors): void {
  if (v.length > FILE_LIMITS.stringLength) errors.add(path, `is longer than ${FILE_LIMITS.stringLength} characters`);
}

/** Secret-safe: a message never repeats the value it refuses (a password may sit in the wrong field). */
function checkField(spec: FieldSpec, v: unknown, path: string, errors: FieldErrors): void {
  if (v === null) {
    if (!spec.nullable) errors.add(path, 'must not be null');
    return;
  }
  switch (spec.type) {
    case 'string':
      if (typeof v !== 'string') return errors.add(path, `must be a string, not ${typeName(v)}`);
      checkString(v, path, errors);
      break;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return errors.add(path, `must be a whole number, not ${typeName(v)}`);
      break;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return errors.add(path, `must be a finite number, not ${typeName(v)}`);
      break;
    case 'boolean':
      if (typeof v !== 'boolean') return errors.add(path, `must be true or false, not ${typeName(v)}`);
      break;
    case 'names':
      if (!Array.isArray(v)) return errors.add(path, `must be a list of names, not ${typeName(v)}`);
      if (v.length > FILE_LIMITS.namesPerList) return errors.add(path, `has more than ${FILE_LIMITS.namesPerList} names`);
      v.forEach((n, i) => (typeof n === 'string' ? checkString(n, `${path}/${i}`, errors) : errors.add(`${path}/${i}`, `must be a name, not ${typeName(n)}`)));
      break;
    case 'labels':
      // Names and lengths are the KPI's own rules (validateKpi); here only the shape.
      if (!isObject(v)) return errors.add(path, `must be a mapping of label names to values, not ${typeName(v)}`);
      for (const [name, value] of Object.entries(v)) if (typeof value !== 'string') errors.add(`${path}/${name}`, `must be a string, not ${typeName(value)}`);
      break;
  }
  if (spec.enum !== undefined && !spec.enum.includes(v as string | number)) {
    errors.add(path, `must be one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}${spec.nullable ? ' or null' : ''}`);
  }
}

/** An entry without its fields that have problems (recorded in `errors`), so its other fields can still be checked. */
function readEntry(section: SectionName, raw: unknown, path: string, errors: FieldErrors): { entry: Entry; complete: boolean } | null {
  const spec = SECTIONS[section];
  if (!isObject(raw)) {
    errors.add(path, `must be a mapping of ${spec.entity} fields, not ${typeName(raw)}`);
    return null;
  }
  const entry: Record<string, unknown> = {};
  let complete = true;
  for (const [field, v] of Object.entries(raw)) {
    const f = spec.fields[field];
    const before = errors.list.length;
    if (f === undefined) errors.add(`${path}/${field}`, `is not a known field of a ${spec.entity}`);
    else checkField(f, v, `${path}/${field}`, errors);
    if (errors.list.length === before) entry[field] = v;
    else if (f !== undefined) complete = false;
  }
  for (const [field, f] of Object.entries(spec.fields)) {
    if (f.required && raw[field] === undefined) errors.add(`${path}/${field}`, 'is required');
  }
  return { entry, complete };
}

function readSection(section: SectionName, raw: unknown, errors: FieldErrors, names: Set<string>): LocatedEntry[] {
  if (raw === undefined || raw === null) return [];
  const path = `/${section}`;
  if (!Array.isArray(raw)) {
    errors.add(path, `must be a list, not ${typeName(raw)}`);
    return [];
  }
  if (raw.length > FILE_LIMITS.entriesPerSection) {
    errors.add(path, `has ${raw.length} entries; at most ${FILE_LIMITS.entriesPerSection} are read`);
    return [];
  }
  const key = SECTIONS[section].key;
  const seen = new Map<string, number>();
  const entries: LocatedEntry[] = [];
  raw.forEach((item, i) => {
    const read = readEntry(section, item, `${path}/${i}`, errors);
    const name = isObject(item) ? item[key] : undefined;
    if (typeof name === 'string') {
      const first = seen.get(name.trim());
      if (first !== undefined) errors.add(`${path}/${i}/${key}`, `${JSON.stringify(name)} is named twice: also at ${path}/${first}`);
      else seen.set(name.trim(), i);
      names.add(name.trim());
    }
    if (read !== null) entries.push({ at: `${path}/${i}`, ...read });
  });
  return entries;
}

export interface ReadDocument {
  /**
   * Every entry that is a mapping, without its fields that have problems: their other fields can still be
   * checked, but nothing may be applied while `errors` has any.
   */
  readonly entries: Sections<readonly LocatedEntry[]>;
  readonly errors: FieldError[];
  /** Every name the file gives per section, also of entries with errors (so references to them are no error). */
  readonly names: Sections<ReadonlySet<string>>;
}

/**
 * Checks the shape of a parsed file: known fields only, each of its type, required fields, unique names.
 * Every problem is reported (path = JSON pointer into the file), not the first only.
 */
export function readDocument(raw: unknown): ReadDocument {
  const errors = new FieldErrors();
  const names = { dataSources: new Set<string>(), contacts: new Set<string>(), kpis: new Set<string>() };
  if (!isObject(raw)) {
    errors.add('/', `a configuration file is a mapping with version and ${SECTION_ORDER.join(', ')}, not ${typeName(raw)}`);
    return { entries: { dataSources: [], contacts: [], kpis: [] }, errors: errors.list, names };
  }
  for (const k of Object.keys(raw)) if (!TOP_LEVEL.has(k)) errors.add(`/${k}`, `is not a known section (${SECTION_ORDER.join(', ')})`);
  if (raw.version === undefined) errors.add('/version', `is required: ${FILE_VERSION}`);
  else if (raw.version !== FILE_VERSION) errors.add('/version', `must be ${FILE_VERSION}, the only version of the file format`);
  if (raw.$schema !== undefined && typeof raw.$schema !== 'string') errors.add('/$schema', 'must be a string');
  const [dataSources, contacts, kpis] = SECTION_ORDER.map((s) => readSection(s, raw[s], errors, names[s])) as [LocatedEntry[], LocatedEntry[], LocatedEntry[]];
  return { entries: { dataSources, contacts, kpis }, errors: errors.list, names };
}
