#!/usr/bin/env node
// `npm run build`: what the package runs, built from a checkout (also `prestart` and `prepack`).
// - dist/: the server compiled by tsc (tsconfig.build.json; `.ts` imports rewritten to `.js`), with every
//   other file of src/ copied beside it at the same path (migrations' SQL, the SQLite runner), because
//   the code finds them next to itself (`import.meta.url`); dist/ is emptied first, so a file deleted
//   from src/ (a migration renamed, say) cannot linger in the package;
// - web/dist/: the dashboard built by Vite, served at `/` (the same folder a checkout serves).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const step = (what) => console.log(`build: ${what}`);

const walk = (dir) => readdirSync(dir).flatMap((f) => {
  const p = path.join(dir, f);
  return statSync(p).isDirectory() ? walk(p) : [p];
});

/** The files of src/ that tsc does not compile and the code reads at run time (READMEs are for people). */
const assetsOf = (src) => walk(src).filter((f) => !f.endsWith('.ts') && path.basename(f) !== 'README.md');

const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
step('server (tsc -p tsconfig.build.json → dist/)');
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
const assets = assetsOf(src);
for (const f of assets) cpSync(f, path.join(dist, path.relative(src, f)));
step(`copied ${assets.length} files of src/ that are not TypeScript`);
step('dashboard (vite build web → web/dist/)');
await build({ root: path.join(root, 'web'), configFile: path.join(root, 'web/vite.config.ts') });
