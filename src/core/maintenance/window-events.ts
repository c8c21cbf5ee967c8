import type { Changes } from '../shared/changes.ts';
import type { MaintenanceWindowFields } from './window.ts';

/** The events of a `maintenancewindow-<id>` stream. */
export type MaintenanceWindowEvent =
  | { readonly type: 'MaintenanceWindowCreated'; readonly data: { readonly id: string; readonly maintenanceWindow: MaintenanceWindowFields } }
  | { readonly type: 'MaintenanceWindowUpdated'; readonly data: { readonly id: string; readonly changes: Changes } }
  | { readonly type: 'MaintenanceWindowDeleted'; readonly data: { readonly id: string; readonly maintenanceWindow: MaintenanceWindowFields } };
