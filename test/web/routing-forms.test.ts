import { describe, expect, it } from 'vitest';
import type { AlertRoute, EscalationChain } from '../../web/src/api/admin-types.ts';
import { blankChain, chainBodyOf, chainFormOf, delayText, escalationText, nextStep, stepsText } from '../../web/src/api/chain-form.ts';
import { labelRowsOf, labelsOf, labelsText } from '../../web/src/api/labels.ts';
import { blankRoute, matchText, moveChanges, routeBodyOf, routeFormOf } from '../../web/src/api/route-form.ts';
import { bodyOf, emptyForm } from '../../web/src/api/kpi-form.ts';

describe('the labels editor', () => {
  it('given rows with spaces and an empty row, then names and values are trimmed and the empty row is dropped', () => {
    expect(labelsOf([{ name: ' team ', value: ' payments ' }, { name: '', value: '' }, { name: 'tier', value: 'gold' }])).toEqual({ team: 'payments', tier: 'gold' });
  });

  it('given a row with a value but no name, then it is sent (the API names the fault) rather than silently dropped', () => {
    expect(labelsOf([{ name: '', value: 'payments' }])).toEqual({ '': 'payments' });
  });

  it('given labels, then rows and text give them back in order', () => {
    expect(labelsOf(labelRowsOf({ team: 'payments', tier: 'gold' }))).toEqual({ team: 'payments', tier: 'gold' });
    expect(labelsText({ team: 'payments', tier: 'gold' })).toBe('team=payments, tier=gold');
    expect(labelRowsOf(undefined)).toEqual([]);
  });

  it('given a KPI form with labels, then its body carries them; without, an empty object (an edit can remove them all)', () => {
    expect(bodyOf({ ...emptyForm(), labels: [{ name: 'team', value: 'payments' }] }).labels).toEqual({ team: 'payments' });
    expect(bodyOf(emptyForm()).labels).toEqual({});
  });
});

describe('the route editor', () => {
  it('given a blank route, then it matches every alert and names no chain', () => {
    expect(routeBodyOf({ ...blankRoute(), name: ' Payments ' })).toEqual({ name: 'Payments', match: {}, teams: [], channels: [], escalationChainId: null, continue: false });
    expect(matchText({})).toBe('every alert');
  });

  it('given owners, ticked boxes in any order and labels, then only those matchers, in a stable order', () => {
    const body = routeBodyOf({
      ...blankRoute(), name: 'r', owners: 'payments, , risk ', priorities: [2, 1], severities: ['critical', 'high'], labels: [{ name: 'tier', value: 'gold' }],
    });
    expect(body.match).toEqual({ owners: ['payments', 'risk'], priorities: [1, 2], severities: ['high', 'critical'], labels: { tier: 'gold' } });
    expect(matchText(body.match)).toBe('owner payments or risk · priority 1 or 2 · severity high or critical · labels tier=gold');
  });

  it('given a saved route, then its form gives the same body back', () => {
    const route: AlertRoute = {
      id: 'rte_1', name: 'Payments', position: 3, version: 2, match: { owners: ['payments'], severities: ['critical'], labels: { tier: 'gold' } },
      teams: ['team_1'], channels: ['chn_1'], escalationChainId: 'esc_1', continue: true, createdAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z',
    };
    expect(routeBodyOf(routeFormOf(route))).toEqual({ name: 'Payments', match: route.match, teams: ['team_1'], channels: ['chn_1'], escalationChainId: 'esc_1', continue: true });
  });
});

describe('the escalation steps editor', () => {
  it('given a new chain, then one step at once; each added step ten minutes after the last', () => {
    const first = blankChain().steps;
    expect(first.map((s) => s.afterMinutes)).toEqual(['0']);
    expect(nextStep([...first, { afterMinutes: '25', targets: [] }]).afterMinutes).toBe('35');
  });

  it('given the issue\'s example, then the body the spec names: kinds for people, none for a channel, none when nothing is ticked', () => {
    const body = chainBodyOf({
      name: ' Payments on-call ', steps: [
        { afterMinutes: '0', targets: [{ type: 'team', id: 'team_1', kinds: ['email'] }, { type: 'channel', id: 'chn_1', kinds: ['sms'] }] },
        { afterMinutes: '10', targets: [{ type: 'team', id: 'team_1', kinds: ['sms'] }] },
        { afterMinutes: '30', targets: [{ type: 'contact', id: 'con_lead', kinds: [] }] },
      ],
    });
    expect(body).toEqual({
      name: 'Payments on-call', steps: [
        { afterMinutes: 0, targets: [{ type: 'team', id: 'team_1', kinds: ['email'] }, { type: 'channel', id: 'chn_1' }] },
        { afterMinutes: 10, targets: [{ type: 'team', id: 'team_1', kinds: ['sms'] }] },
        { afterMinutes: 30, targets: [{ type: 'contact', id: 'con_lead' }] },
      ],
    });
  });

  it('given an emptied delay, then it is sent as no number (the API refuses it at the step) rather than as 0', () => {
    expect(JSON.parse(JSON.stringify(chainBodyOf({ name: 'c', steps: [{ afterMinutes: ' ', targets: [] }] }))).steps[0].afterMinutes).toBeNull();
  });

  it('given a saved chain, then form, body and words agree', () => {
    const chain: EscalationChain = {
      id: 'esc_1', name: 'On-call', version: 1, createdAt: '', updatedAt: '',
      steps: [{ afterMinutes: 0, targets: [{ type: 'team', id: 'team_1', kinds: ['email'] }] }, { afterMinutes: 150, targets: [{ type: 'contact', id: 'con_1' }] }],
    };
    expect(chainBodyOf(chainFormOf(chain))).toEqual({ name: 'On-call', steps: chain.steps });
    expect(stepsText(chain.steps, (type, id) => `${id.toUpperCase()}`)).toBe('now: team TEAM_1 by email; after 2 h 30 min: contact CON_1');
    expect([delayText(0), delayText(10), delayText(60)]).toEqual(['now', 'after 10 min', 'after 1 h']);
  });
});

describe('moving a route', () => {
  const r = (id: string, position: number) => ({ id, version: 1, position });

  it('given the gaps the API leaves, then one change to a position between the new neighbours', () => {
    const routes = [r('a', 10), r('b', 20), r('c', 30)];
    expect(moveChanges(routes, 2, -1)).toEqual([{ id: 'c', version: 1, position: 15 }]);
    expect(moveChanges(routes, 0, 1)).toEqual([{ id: 'a', version: 1, position: 25 }]);
  });

  it('given a move to either end, then a position beyond the last or before the first, never below 0', () => {
    expect(moveChanges([r('a', 10), r('b', 20)], 0, 1)).toEqual([{ id: 'a', version: 1, position: 30 }]);
    expect(moveChanges([r('a', 10), r('b', 20)], 1, -1)).toEqual([{ id: 'b', version: 1, position: 4 }]);
    expect(moveChanges([r('a', 0), r('b', 20)], 1, -1)).toEqual([{ id: 'b', version: 1, position: 10 }, { id: 'a', version: 1, position: 20 }]);
  });

  it('given no room between the neighbours (equal or adjacent positions), then every route renumbered in the new order, unchanged ones left alone', () => {
    expect(moveChanges([r('a', 10), r('b', 11), r('c', 30)], 2, -1)).toEqual([{ id: 'c', version: 1, position: 20 }, { id: 'b', version: 1, position: 30 }]);
    expect(moveChanges([r('a', 5), r('b', 5), r('c', 5)], 0, 1)).toEqual([
      { id: 'b', version: 1, position: 10 }, { id: 'a', version: 1, position: 20 }, { id: 'c', version: 1, position: 30 },
    ]);
    expect(moveChanges([r('a', 5), r('b', 5), r('c', 5)], 1, -1)).toEqual([{ id: 'b', version: 1, position: 2 }]);
  });

  it('given the first moved up or the last moved down, then nothing', () => {
    expect(moveChanges([r('a', 10), r('b', 20)], 0, -1)).toEqual([]);
    expect(moveChanges([r('a', 10), r('b', 20)], 1, 1)).toEqual([]);
  });
});

describe("an alert's escalation", () => {
  const steps = [{ afterMinutes: 0, targets: [] }, { afterMinutes: 10, targets: [] }];
  it('given an open alert with steps left, then how many went out and when the next is due', () => {
    expect(escalationText({ steps, notified: 1 }, 'open')).toBe('1 of 2 steps notified; next after 10 min (unless acknowledged)');
  });
  it('given an acknowledged or resolved alert with steps left, then the chain says it stopped', () => {
    expect(escalationText({ steps, notified: 1 }, 'acknowledged')).toBe('1 of 2 steps notified; stopped when it was acknowledged');
    expect(escalationText({ steps, notified: 2 }, 'resolved')).toBe('2 of 2 steps notified');
  });
});
