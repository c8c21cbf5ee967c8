import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderApiTypes } from '../../scripts/openapi-types.ts';
import { openApiDocument } from '../helpers/openapi.ts';

const generated = path.resolve(import.meta.dirname, '../../web/src/api/generated.ts');

describe("the dashboard's API types", () => {
  it('web/src/api/generated.ts is what the OpenAPI document of the routes says (else run npm run api:types)', async () => {
    const doc = await openApiDocument();
    expect(readFileSync(generated, 'utf8')).toBe(renderApiTypes(doc));
  });
});
