#!/usr/bin/env node
// Architecture lint: the invariants of docs/architecture.md that a type checker cannot see.
// - src/core imports no adapter, framework, driver or logger, and never touches process or Date.now-style globals;
// - only src/config.ts reads process.env (the entry points cli.ts and otel-preload.ts hand it to loadConfig);
// - no column is aliased to the xid8 `transaction_id` as text (ORDER BY would then sort the text);
// - no focused or skipped tests;
// - files stay small (warn above 300 lines, fail above 500).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const walk = (dir) => readdirSync(dir).flatMap((f) => {
  const p = path.join(dir, f);
  if (f === 'node_modules' || f.startsWith('.')) return [];
  return statSync(p).isDirectory() ? walk(p) : [p];
});
const rel = (p) => path.relative(root, p);
const files = ['src', 'test', 'bench', 'web/src'].flatMap((d) => { try { return walk(path.join(root, d)); } catch { return []; } })
  .filter((f) => /\.(ts|tsx|mjs|js)$/.test(f));

const errors = [];
const warnings = [];
const FORBIDDEN_IN_CORE = [/from ['"](fastify|pg|pino|mysql2|better-sqlite3|nodemailer|@fastify\/|@electric-sql\/|node:fs|node:net|node:http)/, /from ['"]\.\.?\/.*adapters\//, /\bprocess\./, /new Date\(\)/, /Date\.now\(\)/];

for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const name = rel(file);
  const lines = source.split('\n').length;
  if (name.startsWith('src/core/')) {
    for (const re of FORBIDDEN_IN_CORE) {
      const m = text.match(re);
      if (m) errors.push(`${name}: the core must stay pure, found \`${m[0]}\``);
    }
  }
  if (name.startsWith('src/') && !['src/config.ts', 'src/cli.ts', 'src/adapters/observability/otel-preload.ts'].includes(name) && /process\.env/.test(text)) errors.push(`${name}: only src/config.ts reads process.env`);
  if (name.startsWith('src/') && /transaction_id::text\s+AS\s+transaction_id\b/i.test(text)) errors.push(`${name}: transaction_id::text AS transaction_id makes ORDER BY transaction_id sort text; alias it xid_text`);
  if (/\b(it|test|describe)\.only\(/.test(text)) errors.push(`${name}: focused test (.only)`);
  if (/\b(it|test|describe)\.(skip|todo)\(/.test(text)) errors.push(`${name}: skipped test`);
  if (lines > 500) errors.push(`${name}: ${lines} lines; split it`);
  else if (lines > 300 && name.startsWith('src/')) warnings.push(`${name}: ${lines} lines`);
}

for (const w of warnings) console.warn(`lint warning: ${w}`);
for (const e of errors) console.error(`lint error: ${e}`);
console.log(`lint: ${files.length} files, ${errors.length} errors, ${warnings.length} warnings`);
process.exit(errors.length > 0 ? 1 : 0);
