import { describe, expect, it } from 'vitest';
import { readDocument } from '../../src/core/config/document.ts';
import { resolveDesired } from '../../src/core/config/desired.ts';
import { SECTIONS, SECTION_ORDER } from '../../src/core/config/fields.ts';
import { configJsonSchema } from '../../src/core/config/json-schema.ts';
import { planId, planSteps } from '../../src/core/config/plan.ts';
import type { ConfigState } from '../../src/core/config/state.ts';

const now = new Date('2026-03-02T09:00:00Z');
const empty: ConfigState = { dataSources: [], contacts: [], kpis: [] };
const valid = {
  dataSources: { name: 'replica', kind: 'postgres', host: 'h', database: 'd', user: 'u' },
  contacts: { name: 'Ann', email: 'ann@example.com' },
  kpis: { indicator: 'Orders', owner: 'shop', dataSource: 'replica', query: 'SELECT count(*) AS value FROM orders', contacts: ['Ann'] },
};
const file = (o: Partial<Record<keyof typeof valid, object[]>> = {}) => ({
  version: 1, dataSources: o.dataSources ?? [valid.dataSources], contacts: o.contacts ?? [valid.contacts], kpis: o.kpis ?? [valid.kpis],
});
const resolve = (raw: unknown, state = empty, prune = false) => resolveDesired(readDocument(raw), state, { prune, now });

describe('reading a configuration file', () => {
  it('given a valid file, when resolved on an empty store, then it plans creations in dependency order', () => {
    const { desired, errors } = resolve(file());
    expect(errors).toEqual([]);
    const steps = planSteps(empty, desired, false);
    expect(steps.map((s) => `${s.action} ${s.kind} ${s.name}`)).toEqual(['create dataSource replica', 'create contact Ann', 'create kpi Orders']);
    expect(steps[2]!.changes.contacts).toEqual({ from: null, to: ['Ann'] });
    expect(planId(steps)).toBe(planId(planSteps(empty, resolve(file()).desired, false)));
  });

  it('given every field of every section with a value of each wrong kind, then it reports problems and never throws', () => {
    const garbage: unknown[] = [null, 1.5, -1, 'x', true, [], {}, ['a', 1], 1e308 * 10];
    for (const section of SECTION_ORDER) {
      for (const field of Object.keys(SECTIONS[section].fields)) {
        for (const value of garbage) {
          const entry = { ...valid[section], [field]: value };
          const result = resolve(file({ [section]: [entry] }));
          expect(Array.isArray(result.errors)).toBe(true);
          // A mapping is no field's value but labels' (where anything else is): always a problem, at that field.
          const mapping = typeof value === 'object' && value !== null && !Array.isArray(value);
          if (mapping !== (SECTIONS[section].fields[field]!.type === 'labels')) {
            expect(result.errors.map((e) => e.path)).toContain(`/${section}/0/${field}`);
          }
        }
      }
    }
  });

  it('given wrong shapes at the top, then each is a problem at its path', () => {
    expect(resolve([]).errors).toEqual([expect.objectContaining({ path: '/' })]);
    expect(resolve({ kpis: 'none' }).errors.map((e) => e.path)).toEqual(['/version', '/kpis']);
    expect(resolve({ version: 2, extra: 1 }).errors.map((e) => e.path)).toEqual(['/extra', '/version']);
    expect(resolve(file({ contacts: [valid.contacts, { ...valid.contacts, name: ' Ann ' }] })).errors)
      .toEqual([{ path: '/contacts/1/name', message: '" Ann " is named twice: also at /contacts/0' }]);
  });

  it('given a KPI that names what is neither in the file nor (when pruning) kept, then the reference is a problem', () => {
    const state: ConfigState = { ...empty, contacts: [{ id: 'con_1', name: 'Bob', email: 'b@example.com', phone: null, active: true, version: 1, createdAt: now, updatedAt: now }] };
    const kpi = { ...valid.kpis, contacts: ['Bob'] };
    expect(resolve(file({ kpis: [kpi] }), state).errors).toEqual([]);
    expect(resolve(file({ kpis: [kpi] }), state, true).errors).toEqual([{ path: '/kpis/0/contacts/0', message: 'no contact named "Bob" in the file' }]);
  });

  it('given a cron KPI whose entry leaves lastMinutes out, then the stored window stays while the schedule does', () => {
    const cron = { ...valid.kpis, cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' };
    const created = resolve(file({ kpis: [cron] })).desired.kpis[0]!.fields;
    const thursday = new Date('2026-03-05T12:00:00Z'); // next slots: Friday, then Monday
    const onThursday = resolveDesired(readDocument(file({ kpis: [cron] })), empty, { prune: false, now: thursday }).desired.kpis[0]!.fields;
    expect(onThursday.lastMinutes).not.toBe(created.lastMinutes); // three days, not one
    const state: ConfigState = {
      dataSources: [{ id: 'dsn_1', name: 'replica', kind: 'postgres', host: 'h', port: 5432, database: 'd', user: 'u', passwordEnv: null, ssl: false, filePath: null,
        statementTimeoutMs: 30_000, maxConnections: 5, allowPrivilegedUser: false, sealedPassword: null, version: 1, createdAt: now, updatedAt: now }],
      contacts: [{ id: 'con_1', name: 'Ann', email: 'ann@example.com', phone: null, active: true, version: 1, createdAt: now, updatedAt: now }],
      kpis: [{ ...created, dataSourceId: 'dsn_1', contactIds: ['con_1'], id: 'kpi_1', version: 1, createdAt: now, updatedAt: now }],
    };
    const later = resolveDesired(readDocument(file({ kpis: [cron] })), state, { prune: false, now: thursday });
    expect(planSteps(state, later.desired, false)).toEqual([]);
    const moved = resolveDesired(readDocument(file({ kpis: [{ ...cron, cron: '0 10 * * 1-5' }] })), state, { prune: false, now: thursday });
    expect(Object.keys(planSteps(state, moved.desired, false)[0]!.changes)).toEqual(['cron', 'lastMinutes']);
  });

  it('given a query that writes, then the rule of the API refuses it at the file path', () => {
    const { errors } = resolve(file({ kpis: [{ ...valid.kpis, query: 'DELETE FROM orders' }] }));
    expect(errors.map((e) => e.path)).toContain('/kpis/0/query');
  });

  it('publishes a schema whose properties are the reader fields', () => {
    const schema = configJsonSchema() as { properties: Record<string, { items: { properties: object } }> };
    for (const section of SECTION_ORDER) expect(Object.keys(schema.properties[section]!.items.properties)).toEqual(Object.keys(SECTIONS[section].fields));
  });
});
