import { AppError, notFound } from '../errors.ts';

/**
 * Loads an entity that is about to change and checks the caller's expected version (from If-Match),
 * when it gave one: a stale version is a conflict that names the current one.
 */
export async function loadForChange<T extends { version: number }>(
  load: (id: string) => Promise<T | null>,
  what: string,
  id: string,
  expectedVersion: number | undefined,
): Promise<T> {
  const entity = await load(id);
  if (entity === null) throw notFound(what, id);
  if (expectedVersion !== undefined && expectedVersion !== entity.version) {
    throw new AppError('conflict', `${what} ${id} is at version ${entity.version}, not ${expectedVersion}`, { currentVersion: entity.version });
  }
  return entity;
}
