import type { Db } from '../storage/db.ts';
import { pendingMigrations } from '../storage/migrate.ts';
import type { HealthComponent } from './routes/health.ts';

/** The store answers and every migration is applied. */
export async function storeHealth(db: Db): Promise<HealthComponent> {
  const started = performance.now();
  await db.query('SELECT 1');
  const pending = await pendingMigrations(db);
  const ms = Math.round(performance.now() - started);
  if (pending.length > 0) return { status: 'down', detail: `migrations not applied: ${pending.join(', ')}` };
  return { status: 'up', detail: `${db.kind} answered in ${ms} ms` };
}
