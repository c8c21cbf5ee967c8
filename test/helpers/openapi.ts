import type { OpenApiDocument } from '../../scripts/openapi-types.ts';
import { buildTestApp } from './app.ts';
import { createTestStore, type StoreKind } from './store.ts';

/** The service's OpenAPI document as a client gets it (GET /api/docs/json), from an app on a fresh store. */
export async function openApiDocument(kind?: StoreKind): Promise<OpenApiDocument> {
  const store = await createTestStore(kind);
  const t = await buildTestApp({ store });
  try {
    const res = await t.inject({ method: 'GET', url: '/api/docs/json', anonymous: true });
    if (res.statusCode !== 200) throw new Error(`GET /api/docs/json answered ${res.statusCode}`);
    return res.json() as OpenApiDocument;
  } finally {
    await t.close();
    await store.close();
  }
}
