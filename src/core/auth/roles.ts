import type { Scope } from './scopes.ts';

export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What each role may do. Editors change everything but users and keys; viewers only read, and not
 * the audit trail (it shows who changed what, which is an administrator's and editor's business).
 */
export const ROLE_SCOPES: Record<Role, readonly string[]> = {
  admin: ['admin:*'],
  editor: ['kpi:*', 'alerts:*', 'contacts:*', 'datasources:*', 'config:*', 'channels:*', 'routing:*', 'audit:read'],
  viewer: ['kpi:read', 'alerts:read', 'contacts:read', 'datasources:read', 'config:read', 'channels:read', 'routing:read'] satisfies Scope[],
};

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);
