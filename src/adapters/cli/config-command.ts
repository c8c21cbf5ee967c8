import { readFileSync, writeFileSync } from 'node:fs';
import { configJsonSchema } from '../../core/config/json-schema.ts';
import type { Change } from '../../core/config/plan.ts';

export interface ConfigCommandIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** MG_API_KEY, handed over by the entry point (the only reader of the environment). */
  readonly apiKey: string | undefined;
}

interface Problem {
  detail?: string;
  errors?: { path: string; line?: number | null; message: string }[];
}

interface Plan {
  changes: Change[];
  planId: string;
}

const DEFAULT_URL = 'http://127.0.0.1:8080';
const SIGN = { create: '+', update: '~', delete: '-' } as const;

const show = (v: unknown): string => (typeof v === 'string' && v.includes('\n') ? JSON.stringify(v) : JSON.stringify(v) ?? 'null');

/** A plan as a reviewer reads it: one block per entity, one line per field that changes. */
export function formatPlan(plan: Plan, file: string): string {
  if (plan.changes.length === 0) return `${file}: no changes; the configuration matches the file\n`;
  const lines: string[] = [];
  for (const c of plan.changes) {
    lines.push(`${SIGN[c.action]} ${c.action} ${c.kind} ${JSON.stringify(c.name)}${c.at !== null ? ` (${c.at})` : ''}`);
    for (const [field, { from, to }] of Object.entries(c.changes)) {
      lines.push(c.action === 'create' ? `    ${field}: ${show(to)}` : `    ${field}: ${show(from)} → ${show(to)}`);
    }
  }
  const count = (a: Change['action']) => plan.changes.filter((c) => c.action === a).length;
  lines.push('', `plan: ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete (plan id ${plan.planId})`);
  return `${lines.join('\n')}\n`;
}

function formatProblem(status: number, p: Problem, file: string | undefined): string {
  if (p.errors === undefined || p.errors.length === 0) return `${file ? `${file}: ` : ''}${p.detail ?? `the service answered ${status}`}\n`;
  return p.errors.map((e) => `${file ?? 'file'}:${e.line ?? '?'}: ${e.path} ${e.message}\n`).join('');
}

class CommandFailed extends Error {}

async function call(url: string, init: RequestInit, file?: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new CommandFailed(`cannot reach ${url}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}\n`);
  }
  if (response.ok) return response;
  const text = await response.text();
  let problem: Problem = {};
  try {
    problem = JSON.parse(text) as Problem;
  } catch {
    problem = { detail: `the service answered ${response.status}` };
  }
  throw new CommandFailed(formatProblem(response.status, problem, file));
}

const contentTypeOf = (file: string): string => (file.endsWith('.json') ? 'application/json' : 'application/yaml');

/** Runs `config …`; returns the exit status: 0 done (plan: no changes), 2 plan has changes, 1 errors or bad usage. */
export type ConfigSubcommand = 'export' | 'plan' | 'apply' | 'schema';

export interface ConfigCommandValues {
  readonly url?: string | undefined;
  readonly 'api-key'?: string | undefined;
  readonly file?: string | undefined;
  readonly out?: string | undefined;
  readonly json?: boolean | undefined;
  readonly prune?: boolean | undefined;
  readonly 'plan-id'?: string | undefined;
}

/** `monitoring-grid config <sub>` with its flags parsed by the command table (src/cli.ts). */
export async function runConfigCommand(sub: ConfigSubcommand, values: ConfigCommandValues, io: ConfigCommandIo): Promise<number> {
  if (sub === 'schema') {
    io.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  const base = `${(values.url ?? DEFAULT_URL).replace(/\/+$/, '')}/api/v1/config`;
  const apiKey = values['api-key'] ?? io.apiKey;
  const auth: Record<string, string> = apiKey ? { 'x-api-key': apiKey } : {};
  const prune = values.prune ? '?prune=true' : '';
  try {
    if (sub === 'export') {
      const json = values.json === true || (values.out?.endsWith('.json') ?? false);
      const text = await (await call(base, { headers: { ...auth, accept: json ? 'application/json' : 'application/yaml' } })).text();
      if (values.out !== undefined) writeFileSync(values.out, text.endsWith('\n') ? text : `${text}\n`);
      else io.stdout(text.endsWith('\n') ? text : `${text}\n`);
      return 0;
    }
    if ((sub === 'plan' || sub === 'apply') && values.file !== undefined) {
      const file = values.file;
      let body: string;
      try {
        body = readFileSync(file, 'utf8');
      } catch (e) {
        throw new CommandFailed(`${(e as Error).message}\n`);
      }
      const send = (path: string, extra: Record<string, string> = {}) =>
        call(`${base}/${path}${prune}`, { method: 'POST', headers: { ...auth, 'content-type': contentTypeOf(file), ...extra }, body }, file).then((r) => r.json() as Promise<Plan>);
      if (sub === 'plan') {
        const plan = await send('plan');
        io.stdout(formatPlan(plan, file));
        return plan.changes.length === 0 ? 0 : 2;
      }
      // Apply exactly what was shown: the reviewed plan (--plan-id), else the plan made just now.
      const planId = values['plan-id'] ?? (await send('plan')).planId;
      const applied = await send('apply', { 'if-match': `"${planId}"` });
      io.stdout(applied.changes.length === 0 ? `${file}: nothing to apply; the configuration matches the file\n` : `${formatPlan(applied, file)}applied.\n`);
      return 0;
    }
  } catch (e) {
    if (!(e instanceof CommandFailed)) throw e;
    io.stderr(e.message);
    return 1;
  }
  io.stderr(`monitoring-grid config ${sub}: --file FILE is required\n`);
  return 2;
}
