// `npm run api:types`: writes the dashboard's API types (web/src/api/generated.ts) from the OpenAPI
// document the routes' schemas make, read from an app on an in-memory store.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../test/helpers/openapi.ts';
import { renderApiTypes } from './openapi-types.ts';

export const GENERATED_API_TYPES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/src/api/generated.ts');

const doc = await openApiDocument('pglite');
writeFileSync(GENERATED_API_TYPES, renderApiTypes(doc));
console.log(`wrote ${path.relative(process.cwd(), GENERATED_API_TYPES)} (${Object.keys(doc.paths).length} paths)`);
