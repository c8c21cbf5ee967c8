/**
 * How an option of the table in config.ts is read and checked. The table declares each option's
 * kind and bounds; the Reader applies them and collects every problem, so that all of them are
 * reported together at boot. Names are typed by kind: an option can only be read the way it is declared.
 */

/** A check of a text option beyond "set or unset"; `accepts` is what the reference says of it. */
export interface TextRule {
  readonly test: (value: string) => boolean;
  readonly problem: string;
  readonly accepts: string;
}

export type Parse =
  | { readonly kind: 'int'; readonly default: number; readonly min: number; readonly max: number }
  | { readonly kind: 'optionalInt'; readonly min: number; readonly max: number }
  | { readonly kind: 'text'; readonly default: string }
  | { readonly kind: 'optional'; readonly rule?: TextRule }
  | { readonly kind: 'bool'; readonly default: boolean }
  | { readonly kind: 'oneOf'; readonly values: readonly string[]; readonly default: string }
  /** Parsed by code of its own (a list, JSON, a value of several forms); `accepts` says what it takes. */
  | { readonly kind: 'custom'; readonly accepts: string };

export interface OptionSpec {
  /** The heading the option is listed under in docs/configuration.md. */
  readonly section: string;
  readonly description: string;
  readonly unit: string;
  /** What the reference says of the default when the parsed default alone does not tell it. */
  readonly defaultText?: string;
  /** Added to the reference's "accepted" column: checks that involve other options. */
  readonly also?: string;
  readonly parse: Parse;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;
type Env = Readonly<Record<string, string | undefined>>;
type Kind = Parse['kind'];
export type NameOf<T extends OptionTable, K extends Kind> = {
  [N in keyof T & string]: T[N]['parse']['kind'] extends K ? N : never;
}[keyof T & string];
type ValueOf<S extends OptionSpec> = S['parse'] extends { readonly values: readonly (infer V)[] } ? V : never;

export class Reader<T extends OptionTable> {
  readonly problems: string[] = [];
  constructor(private readonly env: Env, private readonly table: T) {}

  private parse<K extends Kind>(name: string, kind: K): Extract<Parse, { kind: K }> {
    const p = this.table[name]?.parse;
    if (p?.kind !== kind) throw new Error(`configuration option ${name} is not declared as ${kind}`);
    return p as Extract<Parse, { kind: K }>;
  }

  string(name: NameOf<T, 'text'>): string {
    const v = this.env[name];
    return v === undefined || v === '' ? this.parse(name, 'text').default : v;
  }

  /** The raw value, null when unset; a declared rule is checked (and its problem recorded). */
  optional(name: NameOf<T, 'optional' | 'custom'>): string | null {
    const v = this.env[name];
    if (v === undefined || v === '') return null;
    const spec = this.table[name]?.parse;
    if (spec?.kind === 'optional' && spec.rule !== undefined) this.check(spec.rule.test(v), spec.rule.problem);
    return v;
  }

  /** A whole number when set, null when unset (for settings whose absence means "automatic"). */
  optionalInt(name: NameOf<T, 'optionalInt'>): number | null {
    const { min, max } = this.parse(name, 'optionalInt');
    const v = this.env[name];
    return v === undefined || v === '' ? null : this.wholeNumber(name, min, min, max);
  }

  int(name: NameOf<T, 'int'>): number {
    const p = this.parse(name, 'int');
    return this.wholeNumber(name, p.default, p.min, p.max);
  }

  /** A whole number within bounds of the caller's (for a custom option that may be a number). */
  wholeNumber(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  }

  oneOf<N extends NameOf<T, 'oneOf'>>(name: N): ValueOf<T[N]> {
    const { values, default: fallback } = this.parse(name, 'oneOf');
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback as ValueOf<T[N]>;
    if (!values.includes(raw)) {
      this.problems.push(`${name} must be one of ${values.join(', ')} (got "${raw}")`);
      return fallback as ValueOf<T[N]>;
    }
    return raw as ValueOf<T[N]>;
  }

  /** `fallback` replaces the declared default when it depends on another option (DEMO on DATABASE_URL). */
  bool(name: NameOf<T, 'bool'>, fallback: boolean = this.parse(name, 'bool').default): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  check(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }
}
