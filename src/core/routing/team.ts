import { diffFields, type Changes } from '../shared/changes.ts';

/** A group of contacts with the channels the group reads: what a route sends an alert to. */
export interface TeamFields {
  readonly name: string;
  readonly description: string | null;
  /** Contact ids: each member receives by email, and by SMS for priority 1 KPIs (as a KPI's own contacts do). */
  readonly members: readonly string[];
  /** Channel ids. */
  readonly channels: readonly string[];
}

export interface Team extends TeamFields {
  readonly id: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type TeamInput = { readonly [K in keyof TeamFields]?: TeamFields[K] | undefined };

export const TEAM_FIELDS = ['name', 'description', 'members', 'channels'] as const satisfies readonly (keyof TeamFields)[];

const ids = (v: readonly string[]): string[] => [...new Set(v)];

export function teamFromInput(input: TeamInput, base?: TeamFields): TeamFields {
  const description = input.description !== undefined ? input.description : (base?.description ?? null);
  return {
    name: (input.name ?? base?.name ?? '').trim(),
    description: description === null || description.trim() === '' ? null : description.trim(),
    members: ids(input.members ?? base?.members ?? []),
    channels: ids(input.channels ?? base?.channels ?? []),
  };
}

export const diffTeam = (before: TeamFields, after: TeamFields): Changes => diffFields(before, after, TEAM_FIELDS);
