import type { DataSource } from './datasource.ts';

/**
 * What source inspection found about a data source: the rights of its user (and of the definers whose
 * rights a query could borrow) that a KPI query must not have, and what no setting allows.
 */
export interface Inspection {
  /** Refused unless an administrator sets allowPrivilegedUser: "user monitor is a superuser", … */
  readonly privileges: readonly string[];
  /** Refused always: a SQLite file outside SQLITE_ALLOWED_DIRS. */
  readonly refused: readonly string[];
}

export type InspectionResult =
  | { readonly reachable: true; readonly inspection: Inspection }
  | { readonly reachable: false; readonly error: string };

/** Connects to a data source (not yet stored, or stored) and inspects it; never throws. */
export interface DataSourceInspector {
  inspect(ds: DataSource): Promise<InspectionResult>;
}

export interface Verdict {
  /** Why KPI queries may not run on it; empty = they may. */
  readonly errors: readonly string[];
  /** Privileges accepted by allowPrivilegedUser: shown as a warning. */
  readonly warnings: readonly string[];
}

/** What an inspection means for a data source with or without allowPrivilegedUser. */
export function judgeInspection(i: Inspection, allowPrivilegedUser: boolean): Verdict {
  return allowPrivilegedUser
    ? { errors: i.refused, warnings: i.privileges }
    : { errors: [...i.refused, ...i.privileges], warnings: [] };
}

export const PRIVILEGED_HINT = 'a KPI data source needs a read-only user (see docs/security.md, "A read-only user per engine"); an administrator may accept this one with allowPrivilegedUser: true';
