import { LABEL_NAME_PATTERN, LABEL_VALUE_MAX, LABELS_MAX } from '../kpis/labels.ts';
import { FILE_LIMITS, FILE_VERSION, SECTIONS, SECTION_ORDER, type FieldSpec } from './fields.ts';

const JSON_TYPE = { string: 'string', integer: 'integer', number: 'number', boolean: 'boolean' } as const;

function fieldSchema(f: FieldSpec): Record<string, unknown> {
  if (f.type === 'names') {
    return { type: 'array', description: f.description, maxItems: FILE_LIMITS.namesPerList, items: { type: 'string', maxLength: FILE_LIMITS.stringLength } };
  }
  if (f.type === 'labels') {
    return { type: 'object', description: f.description, maxProperties: LABELS_MAX, propertyNames: { pattern: LABEL_NAME_PATTERN }, additionalProperties: { type: 'string', minLength: 1, maxLength: LABEL_VALUE_MAX } };
  }
  const type = JSON_TYPE[f.type];
  return {
    type: f.nullable ? [type, 'null'] : type,
    description: f.description,
    ...(f.type === 'string' ? { maxLength: FILE_LIMITS.stringLength } : {}),
    ...(f.enum ? { enum: f.nullable ? [...f.enum, null] : [...f.enum] } : {}),
  };
}

/**
 * The JSON Schema (draft 2020-12) of a configuration file, made from the same field tables as its
 * reader: editors complete and check a file with it. Rules that span fields or entries (a schedule,
 * unique names, references) are checked by plan and apply only.
 */
export function configJsonSchema(): Record<string, unknown> {
  const sections = Object.fromEntries(SECTION_ORDER.map((name) => {
    const s = SECTIONS[name];
    const required = Object.entries(s.fields).filter(([, f]) => f.required).map(([k]) => k);
    return [name, {
      type: 'array', description: s.description, maxItems: FILE_LIMITS.entriesPerSection,
      items: {
        type: 'object', additionalProperties: false, required,
        properties: Object.fromEntries(Object.entries(s.fields).map(([k, f]) => [k, fieldSchema(f)])),
      },
    }];
  }));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://monitoring-grid.dev/schemas/config-v1.json',
    title: 'MonitoringGrid configuration',
    description: 'KPIs, contacts and data sources as one reviewed file (monitoring-grid config plan|apply). Entries refer to each other by name.',
    type: 'object', additionalProperties: false, required: ['version'],
    properties: { $schema: { type: 'string' }, version: { const: FILE_VERSION }, ...sections },
  };
}
