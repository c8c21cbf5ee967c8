import { blankTarget, nextStep, type StepForm, type TargetForm } from '../api/chain-form.ts';
import type { EscalationKind, EscalationTargetType } from '../api/admin-types.ts';
import type { Named } from '../api/types.ts';
import { toggled } from './choice-list.tsx';
import { Field } from './field.tsx';

/** What a step's target can be, and where its choices come from. */
export type TargetOptions = Readonly<Record<EscalationTargetType, readonly Named[]>>;

const TYPE_LABELS: Record<EscalationTargetType, string> = { team: 'Team', contact: 'Contact', channel: 'Channel' };
const KIND_LABELS: Record<EscalationKind, string> = { email: 'Email', sms: 'SMS' };

/**
 * The steps of a chain: each a delay after the alert opened and the targets it notifies. `errors`: the
 * API's field errors by path (`steps/1/afterMinutes`, `steps/0/targets/0/id`), shown at their fields.
 */
export function StepsEditor({ steps, onChange, options, errors }: {
  steps: readonly StepForm[]; onChange: (steps: StepForm[]) => void; options: TargetOptions; errors: Readonly<Record<string, string>>;
}) {
  const setStep = (i: number, step: StepForm) => onChange(steps.map((s, j) => (j === i ? step : s)));
  return (
    <div className="stack">
      {steps.map((step, i) => (
        <fieldset key={i} className="step">
          <legend>Step {i + 1}</legend>
          <div className="row">
            <Field label="After (minutes)" error={errors[`steps/${i}/afterMinutes`]} hint="Since the alert opened; 0 = at once">
              <input type="number" min={0} max={10080} required value={step.afterMinutes} onChange={(e) => setStep(i, { ...step, afterMinutes: e.target.value })} />
            </Field>
            <button type="button" className="secondary" aria-label={`Remove step ${i + 1}`} disabled={steps.length === 1}
              onClick={() => onChange(steps.filter((_, j) => j !== i))}>Remove step</button>
          </div>
          {step.targets.map((t, k) => (
            <TargetRow key={k} label={`Step ${i + 1} target ${k + 1}`} target={t} options={options} error={errors[`steps/${i}/targets/${k}/id`] ?? errors[`steps/${i}/targets/${k}`]}
              kindsError={errors[`steps/${i}/targets/${k}/kinds`]}
              onChange={(target) => setStep(i, { ...step, targets: step.targets.map((x, j) => (j === k ? target : x)) })}
              onRemove={step.targets.length > 1 ? () => setStep(i, { ...step, targets: step.targets.filter((_, j) => j !== k) }) : undefined} />
          ))}
          {errors[`steps/${i}/targets`] && <span className="field-error">{errors[`steps/${i}/targets`]}</span>}
          <div className="row">
            <button type="button" className="secondary" aria-label={`Add a target to step ${i + 1}`} onClick={() => setStep(i, { ...step, targets: [...step.targets, blankTarget()] })}>Add target</button>
          </div>
        </fieldset>
      ))}
      {errors.steps && <span className="field-error">{errors.steps}</span>}
      <div className="row">
        <button type="button" className="secondary" disabled={steps.length >= 20} onClick={() => onChange([...steps, nextStep(steps)])}>Add step</button>
      </div>
    </div>
  );
}

function TargetRow({ label, target, options, error, kindsError, onChange, onRemove }: {
  label: string; target: TargetForm; options: TargetOptions; error: string | undefined; kindsError: string | undefined; onChange: (t: TargetForm) => void; onRemove: (() => void) | undefined;
}) {
  const choices = options[target.type];
  return (
    <div className="row target" role="group" aria-label={label}>
      <Field label="Notify">
        <select value={target.type} onChange={(e) => onChange({ ...target, type: e.target.value as EscalationTargetType, id: '' })}>
          {(Object.keys(TYPE_LABELS) as EscalationTargetType[]).map((type) => <option key={type} value={type}>{TYPE_LABELS[type]}</option>)}
        </select>
      </Field>
      <Field label={TYPE_LABELS[target.type]} error={error}>
        <select required value={target.id} onChange={(e) => onChange({ ...target, id: e.target.value })}>
          <option value="">{choices.length ? 'Choose…' : `No ${target.type}s yet`}</option>
          {choices.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
        </select>
      </Field>
      {target.type !== 'channel' && (
        <fieldset className="choices inline-choices">
          <legend>By</legend>
          {(Object.keys(KIND_LABELS) as EscalationKind[]).map((kind) => (
            <label key={kind} className="inline">
              <input type="checkbox" checked={target.kinds.includes(kind)} onChange={(e) => onChange({ ...target, kinds: toggled(target.kinds, kind, e.target.checked) })} />
              {KIND_LABELS[kind]}
            </label>
          ))}
          <span className="muted small">None ticked: as the KPI's priority says</span>
          {kindsError && <span className="field-error">{kindsError}</span>}
        </fieldset>
      )}
      {onRemove && <button type="button" className="secondary" aria-label={`Remove ${label.toLowerCase()}`} onClick={onRemove}>Remove</button>}
    </div>
  );
}
