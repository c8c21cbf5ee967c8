import { errorFor } from '../api/use-action.ts';
import type { Named } from '../api/types.ts';
import { ChoiceList } from './choice-list.tsx';
import { Field } from './field.tsx';

/** What the routing pages choose from. */
export interface RoutingOptions {
  readonly teams: readonly Named[];
  readonly channels: readonly Named[];
  readonly chains: readonly Named[];
}

export interface Destination {
  teams: string[];
  channels: string[];
  /** '' = no escalation chain. */
  escalationChainId: string;
}

/** Where a route (or the default route) sends an alert: teams, channels and the escalation chain. */
export function DestinationFields({ value, onChange, options, errors }: {
  value: Destination; onChange: (d: Destination) => void; options: RoutingOptions; errors: Readonly<Record<string, string>>;
}) {
  return (
    <>
      <ChoiceList legend="Teams" options={options.teams} chosen={value.teams} onChange={(teams) => onChange({ ...value, teams })}
        error={errorFor(errors, 'teams')} empty="No teams yet." />
      <ChoiceList legend="Channels" options={options.channels} chosen={value.channels} onChange={(channels) => onChange({ ...value, channels })}
        error={errorFor(errors, 'channels')} empty="No channels yet." />
      <Field label="Escalation chain" error={errors.escalationChainId} hint="Steps after the first notification, until acknowledged">
        <select value={value.escalationChainId} onChange={(e) => onChange({ ...value, escalationChainId: e.target.value })}>
          <option value="">None</option>
          {options.chains.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </Field>
    </>
  );
}
