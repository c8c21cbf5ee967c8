import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { createSourceRegistry, type SourceRegistry, type SourceRegistryOptions } from '../../src/adapters/sources/source-registry.ts';
import type { DataSource } from '../../src/core/datasources/datasource.ts';
import { TEST_SOURCE_OPTIONS, type MonitoredDb } from '../helpers/monitored.ts';

export const windowEnd = new Date('2026-03-02T09:00:00Z');
export const params = { forLastMinutes: 60, windowStart: new Date(windowEnd.getTime() - 3_600_000), windowEnd };

let n = 0;
/** A stored data source pointing at a monitored database (its read-only user unless `admin`). */
export const dataSourceOf = (m: MonitoredDb, o: Partial<DataSource> & { admin?: boolean } = {}): DataSource => {
  const { admin, ...rest } = o;
  return {
    id: `dsn_probe_${n++}`, name: `probe-${n}`, kind: m.kind, host: null, port: null, database: null, user: null, passwordEnv: null, sealedPassword: null,
    ssl: false, filePath: null, statementTimeoutMs: 30_000, maxConnections: 3, allowPrivilegedUser: false, version: 1, createdAt: new Date(), updatedAt: new Date(),
    ...((admin ? m.adminDataSource : m.dataSource) as Partial<DataSource>), ...rest,
  } as DataSource;
};

export const registry = (o: Partial<SourceRegistryOptions> = {}): SourceRegistry =>
  createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined, ...TEST_SOURCE_OPTIONS, ...o });
