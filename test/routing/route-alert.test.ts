import { describe, expect, it } from 'vitest';
import type { Contact } from '../../src/core/contacts/contact.ts';
import type { NotificationChannel } from '../../src/core/channels/channel.ts';
import { routedRecipients } from '../../src/core/routing/recipients.ts';
import { routeAlert, type RoutableAlert, type RouteRule, type RouteTargets } from '../../src/core/routing/route.ts';
import type { Team } from '../../src/core/routing/team.ts';

const at = new Date('2026-12-01T10:00:00Z');
let n = 0;
const rule = (o: Partial<RouteRule> = {}): RouteRule => ({
  id: `rte_${String(++n).padStart(3, '0')}`, name: 'r', position: n * 10, match: {}, teams: [], channels: [], escalationChainId: null, continue: false,
  version: 1, createdAt: at, updatedAt: at, ...o,
});
const alert = (o: { owner?: string; priority?: 1 | 2; labels?: Record<string, string>; severity?: RoutableAlert['severity'] } = {}): RoutableAlert => ({
  kpi: { id: 'kpi_1', owner: o.owner ?? 'payments', priority: o.priority ?? 2, labels: o.labels ?? {} }, severity: o.severity ?? 'high',
});
const fallback: RouteTargets = { teams: ['team_default'], channels: ['chn_default'], escalationChainId: 'esc_default' };

describe('routeAlert: which rules an alert takes', () => {
  it('given two matching rules, when the first does not continue, then only the first is used', () => {
    const a = rule({ teams: ['team_a'] });
    const b = rule({ teams: ['team_b'] });
    expect(routeAlert(alert(), [a, b], fallback)).toEqual({ matchedRouteIds: [a.id], usedDefault: false, teamIds: ['team_a'], channelIds: [], escalationChainId: null });
  });

  it('given rules stored out of order, then they are tried by ascending position, ties by id', () => {
    const late = rule({ position: 50, teams: ['team_late'] });
    const early = rule({ position: 5, teams: ['team_early'] });
    const tieA = rule({ id: 'rte_a', position: 1, teams: ['team_tie_a'], continue: true });
    const tieB = rule({ id: 'rte_b', position: 1, teams: ['team_tie_b'], continue: true });
    expect(routeAlert(alert(), [late, tieB, early, tieA], fallback).matchedRouteIds).toEqual(['rte_a', 'rte_b', early.id]);
  });

  it('given continue on the first match, then the search goes on and the teams add up, each once', () => {
    const a = rule({ teams: ['team_a', 'team_shared'], channels: ['chn_1'], continue: true });
    const skipped = rule({ match: { owners: ['growth'] }, teams: ['team_never'] });
    const b = rule({ teams: ['team_shared', 'team_b'], channels: ['chn_1', 'chn_2'] });
    const c = rule({ teams: ['team_after_stop'] });
    const d = routeAlert(alert(), [a, skipped, b, c], fallback);
    expect(d.matchedRouteIds).toEqual([a.id, b.id]);
    expect(d.teamIds).toEqual(['team_a', 'team_shared', 'team_b']);
    expect(d.channelIds).toEqual(['chn_1', 'chn_2']);
  });

  it('given no rule matches, then the default route decides, chain included', () => {
    const d = routeAlert(alert({ owner: 'growth' }), [rule({ match: { owners: ['payments'] }, teams: ['team_a'] })], fallback);
    expect(d).toEqual({ matchedRouteIds: [], usedDefault: true, teamIds: ['team_default'], channelIds: ['chn_default'], escalationChainId: 'esc_default' });
  });

  it('given no rules at all and a never-set default, then nothing is routed', () => {
    expect(routeAlert(alert(), [], { teams: [], channels: [], escalationChainId: null })).toEqual({ matchedRouteIds: [], usedDefault: true, teamIds: [], channelIds: [], escalationChainId: null });
  });

  it('given a match, then the default route is not used even when the rule names no team', () => {
    const d = routeAlert(alert(), [rule({})], fallback);
    expect(d.usedDefault).toBe(false);
    expect(d.teamIds).toEqual([]);
    expect(d.escalationChainId).toBeNull();
  });

  it('given matched rules with and without chains, then the first matched rule that names a chain wins', () => {
    const a = rule({ continue: true });
    const b = rule({ escalationChainId: 'esc_b', continue: true });
    const c = rule({ escalationChainId: 'esc_c' });
    expect(routeAlert(alert(), [a, b, c], fallback).escalationChainId).toBe('esc_b');
  });

  it('given each matcher, then a rule matches only when all given matchers match', () => {
    const r = rule({ match: { owners: ['payments'], priorities: [1], severities: ['critical', 'high'], labels: { team: 'checkout', env: 'prod' } } });
    const good = { owner: 'payments', priority: 1 as const, severity: 'high' as const, labels: { team: 'checkout', env: 'prod', extra: 'x' } };
    expect(routeAlert(alert(good), [r], fallback).matchedRouteIds).toEqual([r.id]);
    for (const bad of [{ owner: 'growth' }, { priority: 2 as const }, { severity: 'medium' as const }, { labels: { team: 'checkout' } as Record<string, string> }, { labels: { team: 'checkout', env: 'dev' } }]) {
      expect(routeAlert(alert({ ...good, ...bad }), [r], fallback).usedDefault, JSON.stringify(bad)).toBe(true);
    }
  });
});

const contact = (id: string, o: Partial<Contact> = {}): Contact => ({ id, name: id, email: `${id}@example.com`, phone: '+4915112345678', active: true, version: 1, createdAt: at, updatedAt: at, ...o } as Contact);
const channel = (id: string, o: Partial<NotificationChannel> = {}): NotificationChannel => ({
  id, name: id, kind: 'webhook', settings: {}, sealedSecrets: null, secretNames: [], kpis: ['kpi_other'], owners: null, active: true, version: 1, createdAt: at, updatedAt: at, ...o,
});
const team = (id: string, members: string[], channels: string[] = []): Team => ({ id, name: id, description: null, members, channels, version: 1, createdAt: at, updatedAt: at });
const settings = { mailEnabled: true, smsGatewayDomain: 'sms.example.com', webhooks: [] };
const kpi = { id: 'kpi_1', indicator: 'Deposits', priority: 1 as const, owner: 'payments' };

describe('routedRecipients: who receives', () => {
  const teams = [team('team_a', ['con_a', 'con_kpi']), team('team_b', ['con_b', 'con_a'], ['chn_team'])];
  const members = [contact('con_a'), contact('con_b', { active: false }), contact('con_kpi')];
  const channels = [channel('chn_team', { kind: 'pagerduty' }), channel('chn_route'), channel('chn_off', { active: false })];
  const r = rule({ id: 'rte_x', teams: ['team_a', 'team_b'], channels: ['chn_route', 'chn_off', 'chn_gone'] });
  const view = { decision: routeAlert(alert(), [r], fallback), rules: [r], defaultRoute: fallback, teams, members };

  it('given a KPI contact who is also a team member, then each address receives once, by its first reason', () => {
    const got = routedRecipients(kpi, [contact('con_kpi')], settings, 'opened', channels, view);
    expect(got.map((x) => [x.kind, x.address, x.via])).toEqual([
      ['email', 'con_kpi@example.com', 'kpi'], ['sms', '4915112345678@sms.example.com', 'kpi'],
      ['email', 'con_a@example.com', 'team:team_a'],
      ['pagerduty', 'chn_team', 'team:team_b'],
      ['webhook', 'chn_route', 'route:rte_x'],
    ]);
  });

  it('given an acknowledgement, then people are not told again but incident tools are', () => {
    const got = routedRecipients(kpi, [contact('con_kpi')], settings, 'acknowledged', channels, view);
    expect(got.map((x) => x.address)).toEqual(['chn_team']);
  });

  it('given an escalation, then it goes to the contacts given only', () => {
    expect(routedRecipients(kpi, [contact('con_owner', { phone: null })], settings, 'escalation', channels, view).map((x) => x.address)).toEqual(['con_owner@example.com']);
  });
});
