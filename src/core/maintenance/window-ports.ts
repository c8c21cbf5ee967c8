import type { Page } from '../ports.ts';
import type { MaintenanceWindow } from './window.ts';

export interface MaintenanceWindowRepo {
  get(id: string): Promise<MaintenanceWindow | null>;
  lock(id: string): Promise<MaintenanceWindow | null>;
  /** Every active window (few: matched in the core). */
  listActive(): Promise<MaintenanceWindow[]>;
  list(filter: { cursor?: string | undefined; limit: number }): Promise<Page<MaintenanceWindow>>;
  insert(w: MaintenanceWindow): Promise<void>;
  update(w: MaintenanceWindow): Promise<void>;
  remove(id: string): Promise<void>;
  /** Marks the history rows of a run's series as inside the window: kept out of future baselines. */
  markRun(runId: string, seriesKeys: readonly string[], windowId: string): Promise<void>;
}
