import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** The folders SQLite data sources may use, made absolute and resolved through symbolic links where they exist. */
export async function resolveAllowedDirs(dirs: readonly string[]): Promise<string[]> {
  return Promise.all(dirs.map(async (d) => realpath(path.resolve(d)).catch(() => path.resolve(d))));
}

const inside = (file: string, dir: string): boolean => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/**
 * Why a SQLite file may not be used, or null. The file is resolved through symbolic links (a link in an
 * allowed folder must not reach outside it); a file that does not exist yet is judged by its path.
 */
export async function sqliteFileProblem(filePath: string | null, allowedDirs: readonly string[]): Promise<string | null> {
  if (filePath === null || filePath === '') return 'a sqlite data source needs the path of its database file';
  const lexical = path.resolve(filePath);
  const real = await realpath(lexical).catch(() => null);
  const dirs = await resolveAllowedDirs(allowedDirs);
  if (dirs.some((d) => inside(real ?? lexical, d))) return null;
  const list = dirs.length === 0 ? 'none' : dirs.join(', ');
  return `the file ${filePath}${real !== null && real !== lexical ? ` (${real})` : ''} is outside the folders SQLite data sources may use (SQLITE_ALLOWED_DIRS: ${list})`;
}
