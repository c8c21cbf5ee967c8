import type { Page } from '../ports.ts';
import type { DefaultRoute, RouteRule, RouteTargets } from './route.ts';
import type { Team } from './team.ts';

export interface TeamRepo {
  get(id: string): Promise<Team | null>;
  getMany(ids: readonly string[]): Promise<Team[]>;
  findByName(name: string): Promise<Team | null>;
  /** Every team, by name (there are few). */
  all(): Promise<Team[]>;
  list(filter: { cursor?: string | undefined; limit: number }): Promise<Page<Team>>;
  /** Ids of teams that have this contact as a member or this channel. */
  referencing(ref: { contactId?: string; channelId?: string }): Promise<string[]>;
  insert(t: Team): Promise<void>;
  update(t: Team): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface RouteRepo {
  get(id: string): Promise<RouteRule | null>;
  /** Every rule, in the order they are tried (position, then id). */
  all(): Promise<RouteRule[]>;
  /** The highest position in use, or null without rules. */
  lastPosition(): Promise<number | null>;
  /** Ids of the rules (and `default` for the default route) that name this team or channel. */
  referencing(ref: { teamId?: string; channelId?: string }): Promise<string[]>;
  insert(r: RouteRule): Promise<void>;
  update(r: RouteRule): Promise<void>;
  remove(id: string): Promise<void>;
  getDefault(): Promise<DefaultRoute>;
  saveDefault(d: RouteTargets & { version: number; updatedAt: Date }): Promise<void>;
}
