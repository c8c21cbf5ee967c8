import { describe, expect, it } from 'vitest';
import { renderApiTypes, typeOf, type OpenApiDocument } from '../../scripts/openapi-types.ts';

describe('types from OpenAPI schemas', () => {
  it('given TypeBox shapes, then their TypeScript: required and optional fields, nullable, unions of literals, arrays, records', () => {
    expect(typeOf({ type: 'string', nullable: true })).toBe('string | null');
    expect(typeOf({ anyOf: [{ type: 'string', enum: ['open'] }, { type: 'string', enum: ['resolved'] }] })).toBe('"open" | "resolved"');
    expect(typeOf({ type: 'array', items: { anyOf: [{ type: 'number' }, { type: 'null' }] } })).toBe('(number | null)[]');
    expect(typeOf({ type: 'object', additionalProperties: { type: 'integer' } })).toBe('Record<string, number>');
    expect(typeOf({ type: 'object', required: ['id'], properties: { id: { type: 'string' }, note: { type: 'string', description: 'why' } } }))
      .toBe('{\n  id: string;\n  /** why */\n  note?: string;\n}');
    expect(typeOf({ type: 'object', nullable: true, required: ['low'], properties: { low: { type: 'number' } } })).toBe('{\n  low: number;\n} | null');
    expect(typeOf({})).toBe('unknown');
  });

  it('given a route whose answer gains a field, then the generated types change (the drift test would fail)', () => {
    const doc = (fields: Record<string, { type: string }>): OpenApiDocument => ({
      paths: { '/api/v1/things/{id}': { get: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { content: { 'application/json': { schema: { type: 'object', required: Object.keys(fields), properties: fields } } } }, 404: {} },
      } } },
    });
    const before = renderApiTypes(doc({ id: { type: 'string' } }));
    const after = renderApiTypes(doc({ id: { type: 'string' }, name: { type: 'string' } }));
    expect(after).not.toBe(before);
    expect(after).toContain('name: string;');
    expect(before).toContain('path: {\n        id: string;\n      };');
    expect(before).not.toContain('404');
  });
});
