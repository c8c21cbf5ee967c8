import { parseArgs } from 'node:util';

/** One flag of a command, as its help shows it and as the parser accepts it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in the help (`FILE`, `N`, `api|scheduler|all`); string options only. */
  readonly value?: string;
  readonly description: string;
  /** The command cannot run without it (string options only). */
  readonly required?: boolean;
  /** A one-letter alias (`-f`). */
  readonly short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The parsed flags: required strings are there, other strings may be missing, booleans are true or missing. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean | undefined : O[K]['required'] extends true ? string : string | undefined;
};

/**
 * One entry of the command table: a command declares its words, summary, flags and run in this one place;
 * the help, the refusal of unknown flags and arguments and the check of required flags follow from it.
 */
export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** The words after `monitoring-grid`: `['start']`, `['user', 'create']`. */
  readonly words: readonly string[];
  /** One line, for `monitoring-grid --help`. */
  readonly summary: string;
  /** More, for `monitoring-grid <command> --help` (optional). */
  readonly details?: string;
  readonly options: O;
  /** Runs the command with valid flags; returns the exit status. May throw UsageError. */
  readonly run: (values: OptionValues<O>) => Promise<number> | number;
}

/** Lets the table infer each command's flags (so `run` sees their types) and keeps them in one list. */
export const defineCommand = <O extends OptionSpecs>(command: Command<O>): Command => command as unknown as Command;

/** The command line is wrong: told with the command's usage, exit status 2. */
export class UsageError extends Error {}

export interface CommandLineIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const PROGRAM = 'monitoring-grid';
const HELP_FLAGS = ['--help', '-h'];
const USAGE_STATUS = 2;

const flagOf = (name: string, o: OptionSpec): string => (o.type === 'string' ? `--${name} ${o.value ?? 'VALUE'}` : `--${name}`);
/** A flag as the help's table shows it: with its one-letter alias. */
const helpFlagOf = (name: string, o: OptionSpec): string => `${o.short ? `-${o.short}, ` : ''}${flagOf(name, o)}`;

export function synopsis(command: Command): string {
  const flags = Object.entries(command.options).map(([name, o]) => (o.required ? flagOf(name, o) : `[${flagOf(name, o)}]`));
  return [PROGRAM, ...command.words, ...flags].join(' ');
}

/** `monitoring-grid <command> --help`: the synopsis, the summary and one line per flag. */
export function commandHelp(command: Command): string {
  const rows: [string, string][] = [
    ...Object.entries(command.options).map(([name, o]): [string, string] => [helpFlagOf(name, o), o.description]),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return [
    `usage: ${synopsis(command)}`, '', command.summary, ...(command.details ? ['', command.details] : []), '', 'options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`),
  ].join('\n') + '\n';
}

/** `monitoring-grid --help`: every command with its summary. */
export function overviewHelp(commands: readonly Command[], footer: string): string {
  const names = commands.map((c) => c.words.join(' '));
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return [
    `usage: ${PROGRAM} <command> [options]`, '', 'commands:',
    ...commands.map((c, i) => `  ${names[i]!.padEnd(width)}${c.summary}`),
    '', `${PROGRAM} <command> --help shows a command's options. ${footer}`,
  ].join('\n') + '\n';
}

/** The commands whose words begin with `words` (all of them for none). */
const under = (commands: readonly Command[], words: readonly string[]) =>
  commands.filter((c) => words.every((w, i) => c.words[i] === w));

/**
 * Runs one command line against the table: `--help`, `-h` or `help [command]` print help on stdout
 * (status 0); a missing or unknown command, an unknown flag, a stray argument or a missing required flag
 * print what is wrong and the usage on stderr (status 2); anything else is the command's own status.
 */
export async function runCommandLine(commands: readonly Command[], argv: readonly string[], io: CommandLineIo, footer: string): Promise<number> {
  const asksHelp = argv[0] === 'help' || argv.some((a) => HELP_FLAGS.includes(a));
  const words = (argv[0] === 'help' ? argv.slice(1) : argv).filter((a) => !HELP_FLAGS.includes(a));
  const command = commands.find((c) => c.words.every((w, i) => words[i] === w));
  const refuse = (message: string, usage: string) => {
    io.err(`${message}\n\n${usage}`);
    return USAGE_STATUS;
  };
  if (command === undefined) {
    const group = under(commands, words.slice(0, 1));
    const known = group.length > 0 && words.length > 0;
    if (asksHelp && (words.length === 0 || known)) {
      io.out(known ? group.map(commandHelp).join('\n') : overviewHelp(commands, footer));
      return 0;
    }
    if (words.length === 0) return refuse(`${PROGRAM}: a command is needed`, overviewHelp(commands, footer));
    if (known) {
      const expected = group.map((c) => c.words.slice(1).join(' ')).join(', ');
      return refuse(`${PROGRAM} ${words[0]}: ${words[1] === undefined ? '' : `unknown command ${words[1]}; `}expected ${expected}`, overviewHelp(group, footer));
    }
    return refuse(`${PROGRAM}: unknown command ${words[0]}`, overviewHelp(commands, footer));
  }
  const name = `${PROGRAM} ${command.words.join(' ')}`;
  if (asksHelp) {
    io.out(commandHelp(command));
    return 0;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.entries(command.options).map(([k, o]) => [k, o.short ? { type: o.type, short: o.short } : { type: o.type }]));
    ({ values } = parseArgs({ args: argv.slice(command.words.length) as string[], options, strict: true, allowPositionals: false }));
    const missing = Object.entries(command.options).filter(([k, o]) => o.required && values[k] === undefined).map(([k]) => `--${k}`);
    if (missing.length > 0) throw new UsageError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required`);
    return await command.run(values as OptionValues<OptionSpecs>);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))) {
      return refuse(`${name}: ${(e as Error).message}`, commandHelp(command));
    }
    throw e;
  }
}
