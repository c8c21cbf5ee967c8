import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/core/audit/describe-event.ts';
import { foldEntity } from '../../src/core/replay/fold.ts';
import type { RecordedEvent } from '../../src/core/ports.ts';

describe('routing events in the audit trail', () => {
  it('given a team created and changed, then each has a sentence with the diff', () => {
    const created = describeEvent('TeamCreated', 'team', 'team_1', { id: 'team_1', team: { name: 'Checkout', description: null, members: ['con_a'], channels: [] } }, 'Checkout');
    expect(created.summary).toBe('Created team "Checkout" with members "con_a" and channels none');
    const changed = describeEvent('TeamChanged', 'team', 'team_1', { id: 'team_1', changes: { members: { from: ['con_a'], to: ['con_b'] } } }, 'Checkout');
    expect(changed.summary).toBe('Changed team "Checkout": members from "con_a" to "con_b"');
    expect(describeEvent('TeamDeleted', 'team', 'team_1', { id: 'team_1', team: { name: 'Checkout', description: null, members: [], channels: [] } }, 'Checkout').summary).toBe('Deleted team "Checkout"');
  });

  it('given routes and the default route, then the sentences say where alerts go', () => {
    const route = { name: 'critical', position: 10, match: { severities: ['critical'] }, teams: ['team_1'], channels: [], escalationChainId: null, continue: true };
    expect(describeEvent('RouteCreated', 'route', 'rte_1', { id: 'rte_1', route }, 'critical').summary)
      .toBe('Created route "critical" at position 10, matching {"severities":["critical"]}, to teams "team_1" and channels none, then further rules');
    expect(describeEvent('DefaultRouteChanged', 'defaultroute', 'default', { id: 'default', changes: { teams: { from: [], to: ['team_1'] } } }, null).summary)
      .toBe('Changed the default route: teams from none to "team_1"');
    expect(describeEvent('DefaultRouteCreated', 'defaultroute', 'default', { id: 'default', defaultRoute: { teams: [], channels: ['chn_1'], escalationChainId: null } }, null).summary)
      .toBe('Created the default route: teams none, channels "chn_1"');
  });

  it('given a team\'s events, then replay folds them into the state the read model holds', () => {
    const at = new Date('2026-12-01T10:00:00Z');
    const ev = (v: number, type: string, data: Record<string, unknown>): RecordedEvent => ({ position: v, streamId: 'team-team_1', streamVersion: v, type, data, metadata: { actor: 't', correlationId: 'c' }, recordedAt: at });
    const team = foldEntity('team', [
      ev(1, 'TeamCreated', { id: 'team_1', team: { name: 'A', description: null, members: ['con_a'], channels: [] } }),
      ev(2, 'TeamChanged', { id: 'team_1', changes: { name: { from: 'A', to: 'B' } } }),
    ]);
    expect(team).toMatchObject({ id: 'team_1', name: 'B', members: ['con_a'], version: 2 });
  });
});
