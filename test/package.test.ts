// The installed package has only `dependencies`: a module of src/ that loads a devDependency works in a
// checkout and fails for every user. (scripts/check-package.sh installs and runs the real package in CI.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>; devDependencies: Record<string, string>; files: string[]; scripts: Record<string, string>;
};
const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = path.join(dir, f);
  return statSync(p).isDirectory() ? walk(p) : [p];
});

/** The packages a file loads when it runs: static imports other than `import type`, and `import('…')`. */
function runtimePackagesOf(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers = [
    ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ];
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/'));
}

describe('the package', () => {
  it('every package the server loads at run time is a dependency, not a devDependency', () => {
    const wrong = walk(path.join(root, 'src'))
      .filter((f) => /\.(ts|mjs|js)$/.test(f))
      .flatMap((f) => runtimePackagesOf(readFileSync(f, 'utf8')).filter((p) => !(p in manifest.dependencies)).map((p) => `${path.relative(root, f)}: ${p}`));
    expect(wrong).toEqual([]);
  });

  it('the build tools are devDependencies; the package carries the compiled server and the built dashboard', () => {
    for (const tool of ['vite', 'tsx', '@vitejs/plugin-react', 'typescript']) {
      expect(manifest.dependencies).not.toHaveProperty(tool);
      expect(manifest.devDependencies).toHaveProperty(tool);
    }
    expect(manifest.files).toEqual(expect.arrayContaining(['bin', 'dist', 'web/dist']));
    expect(manifest.scripts).toMatchObject({ build: expect.any(String), prepack: 'npm run build', prestart: 'npm run build' });
  });

  it('the scan sees what loads at run time and skips what does not', () => {
    const source = [
      "import Database from 'better-sqlite3';", "import type { Logger } from 'pino';", "import { a, type B } from '@scope/pkg/sub';",
      "export { x } from 'reexported';", "import 'side-effect';", "import path from 'node:path';", "import fs from 'fs';",
      "import { y } from './local.ts';", "const m = await import('lazy');", "// import z from 'commented';",
    ].join('\n');
    expect(runtimePackagesOf(source)).toEqual(['better-sqlite3', '@scope/pkg', 'reexported', 'side-effect', 'lazy']);
  });
});
