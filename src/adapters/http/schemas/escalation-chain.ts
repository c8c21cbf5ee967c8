import { Type } from 'typebox';
import { MAX_AFTER_MINUTES, MAX_NAME, MAX_STEPS, MAX_TARGETS, TARGET_KINDS, TARGET_TYPES } from '../../../core/escalation/chain.ts';
import { DateTime, literals, PageQuery } from './common.ts';

const Target = Type.Object({
  type: literals(TARGET_TYPES),
  id: Type.String({ minLength: 1, maxLength: 64, description: 'a team, contact or channel id' }),
  kinds: Type.Optional(Type.Array(literals(TARGET_KINDS), {
    minItems: 1, maxItems: 2, uniqueItems: true,
    description: "how a team's members or a contact are reached; absent = email, and SMS for a priority 1 KPI. Not for channels",
  })),
}, { additionalProperties: false });

export const Step = Type.Object({
  afterMinutes: Type.Integer({ minimum: 0, maximum: MAX_AFTER_MINUTES, description: 'minutes after the alert opened (or a silence let it go); strictly ascending' }),
  targets: Type.Array(Target, { minItems: 1, maxItems: MAX_TARGETS }),
}, { additionalProperties: false });

const fields = {
  name: Type.String({ minLength: 1, maxLength: MAX_NAME, description: 'unique' }),
  steps: Type.Array(Step, { minItems: 1, maxItems: MAX_STEPS }),
};

export const ChainCreateBody = Type.Object(fields, { additionalProperties: false });
export const ChainPatchBody = Type.Object({ name: Type.Optional(fields.name), steps: Type.Optional(fields.steps) }, { additionalProperties: false });
export const ChainView = Type.Object({ id: Type.String(), ...fields, version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime });
export const ChainListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
