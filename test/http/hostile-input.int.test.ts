import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { problemShapeErrors, send, sendBytes, type RawRequest, type RawResponse } from '../helpers/http-client.ts';
import { buildContact, buildDataSource, buildKpi } from '../helpers/factories.ts';
import { fuzzRoutes, requestFor, seeded, type OpenApiDoc } from './hostile/openapi-fuzz.ts';

/** Issue 12: malformed input is a 400 in one shape, never a 5xx; tried over real HTTP against the listening server. */
let t: TestApp;
let base: string;
let kpiId: string;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

beforeAll(async () => {
  // The auth routes keep their production rate limit (20 a minute): the fuzzer meets it too.
  t = await buildTestApp({ overrides: { auth: {} } });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const ds = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource() })).json();
  const contact = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact() })).json();
  kpiId = (await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: ds.id, contactIds: [contact.id] }) })).json().id;
});
afterAll(async () => {
  agent.destroy();
  await t.close();
});

const call = (req: RawRequest): Promise<RawResponse> => send(base, { ...req, headers: { 'x-api-key': t.adminKey, ...req.headers } }, agent);
const json = { 'content-type': 'application/json' };

async function expectProblem(res: RawResponse, status: number): Promise<void> {
  expect(res.status, res.body).toBe(status);
  expect(problemShapeErrors(res), res.body).toEqual([]);
}

describe('the classes of 500 the issue found answer 400 problem+json', () => {
  it('a NUL byte in a path, a query or a body field', async () => {
    await expectProblem(await call({ method: 'GET', path: '/api/v1/kpis/kpi_%00' }), 400);
    await expectProblem(await call({ method: 'GET', path: '/api/v1/contacts?q=a%00b' }), 400);
    await expectProblem(await call({ method: 'POST', path: '/api/v1/contacts', headers: json, body: JSON.stringify(buildContact({ name: 'a\u0000b' })) }), 400);
  });

  it('a lone UTF-16 surrogate in a body, also on /auth/login (which records the failure it refuses)', async () => {
    await expectProblem(await call({ method: 'POST', path: '/api/v1/contacts', headers: json, body: JSON.stringify(buildContact({ name: '\ud800' })) }), 400);
    await expectProblem(await call({ method: 'PATCH', path: `/api/v1/kpis/${kpiId}`, headers: json, body: '{"owner":"x\\udfff"}' }), 400);
    const login = await send(base, { method: 'POST', path: '/api/v1/auth/login', headers: json, body: '{"username":"\\ud800","password":"whatever-it-is"}' });
    await expectProblem(login, 400);
  });

  it('"Infinity" and 1e400 are not numbers: not as a query value, not in a body', async () => {
    await expectProblem(await call({ method: 'GET', path: '/api/v1/kpis?limit=Infinity' }), 400);
    await expectProblem(await call({ method: 'GET', path: '/api/v1/kpis?limit=-Infinity' }), 400);
    await expectProblem(await call({ method: 'GET', path: '/api/v1/kpis/overview?points=1e400' }), 400);
    await expectProblem(await call({ method: 'PATCH', path: `/api/v1/kpis/${kpiId}`, headers: json, body: '{"deviationPercent":1e400}' }), 400);
    await expectProblem(await call({ method: 'PATCH', path: `/api/v1/kpis/${kpiId}`, headers: json, body: '{"deviationPercent":"Infinity"}' }), 400);
  });

  it('a leap second or an impossible date passes no date-time format', async () => {
    await expectProblem(await call({ method: 'GET', path: `/api/v1/kpis/${kpiId}/executions?from=2016-12-31T23:59:60Z` }), 400);
    await expectProblem(await call({ method: 'GET', path: '/api/v1/alerts?to=2026-02-30T00:00:00Z' }), 400);
    await expectProblem(await call({ method: 'GET', path: '/api/v1/executions/statistics?from=%2B275760-09-13T00:00:00.001Z' }), 400);
  });

  it('a version beyond the column (?fromVersion=2147483648, ?asOf=2147483648)', async () => {
    await expectProblem(await call({ method: 'GET', path: `/api/v1/streams/kpi-${kpiId}?fromVersion=2147483648` }), 400);
    await expectProblem(await call({ method: 'GET', path: `/api/v1/kpis/${kpiId}?asOf=2147483648` }), 400);
  });

  it('an enum error names the allowed values', async () => {
    const res = await call({ method: 'GET', path: '/api/v1/alerts?status=bogus' });
    await expectProblem(res, 400);
    expect(res.body).not.toContain('must be equal to constant');
    expect(JSON.parse(res.body).detail).toMatch(/must be one of .*open/);
  });
});

describe('errors the framework and Node produce answer problem+json too', () => {
  it('a bad percent-encoding in the URL (Fastify\'s bad-URL 400)', async () => {
    await expectProblem(await call({ method: 'GET', path: '/api/v1/kpis/%zz' }), 400);
    await expectProblem(await call({ method: 'GET', path: '/api/v1/kpis/%E0%A4%A' }), 400);
  });

  it('a path parameter too long for the router (414), an unknown route (404), an unknown method (404 or 405)', async () => {
    await expectProblem(await call({ method: 'PATCH', path: `/api/v1/kpis/${'x'.repeat(3000)}`, headers: json, body: '{}' }), 414);
    await expectProblem(await call({ method: 'GET', path: '/api/v1/nothing-here' }), 404);
    const put = await call({ method: 'PUT', path: '/api/v1/kpis' });
    expect([404, 405]).toContain(put.status);
    expect(problemShapeErrors(put)).toEqual([]);
  });

  it('a body too large (413), a media type the route does not take (415), a body that is not JSON (400)', async () => {
    await expectProblem(await call({ method: 'POST', path: '/api/v1/contacts', headers: json, body: `{"name":"${'x'.repeat(2_000_000)}"}` }), 413);
    await expectProblem(await call({ method: 'POST', path: '/api/v1/contacts', headers: { 'content-type': 'application/xml' }, body: '<contact/>' }), 415);
    await expectProblem(await call({ method: 'POST', path: '/api/v1/contacts', headers: json, body: '{"name":' }), 400);
    await expectProblem(await call({ method: 'POST', path: '/api/v1/contacts', headers: json, body: '{"__proto__":{"x":1}}' }), 400);
  });

  it('a request Node itself refuses (a broken request line, headers too large) still gets problem+json', async () => {
    const broken = await sendBytes(base, 'GET /api/v1/kpis HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    await expectProblem(broken, 400);
    const huge = await sendBytes(base, `GET /api/v1/kpis HTTP/1.1\r\nHost: x\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
    await expectProblem(huge, 431);
  });
});

describe('a seeded fuzz of every route in the route table', () => {
  it('5,000 hostile requests: no 5xx, every error problem+json in one shape, the process alive afterwards', async () => {
    const doc = (await (await fetch(`${base}/api/docs/json`)).json()) as OpenApiDoc;
    const routes = fuzzRoutes(t.app.routeTable, doc);
    expect(routes.length).toBeGreaterThan(50);
    const seed = Number(process.env.FUZZ_SEED ?? 12);
    const r = seeded(seed);
    const requests = Array.from({ length: 5000 }, (_, i) => requestFor(routes[i % routes.length]!, r, t.adminKey));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    let next = 0;
    await Promise.all(Array.from({ length: 6 }, async () => {
      while (next < requests.length) {
        const req = requests[next++]!;
        const res = await send(base, req, agent).catch((e: Error) => ({ status: 0, headers: {}, body: e.message }));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const wrong = res.status === 0 || res.status >= 500 ? [`status ${res.status}: ${res.body.slice(0, 200)}`] : res.status >= 400 ? problemShapeErrors(res) : [];
        if (wrong.length > 0) failures.push(`${req.method} ${req.path.slice(0, 160)} ${req.body?.toString().slice(0, 160) ?? ''} -> ${res.status}: ${wrong.join(', ')}`);
      }
    }));
    const seconds = (Date.now() - started) / 1000;
    console.log(`fuzz seed ${seed}: ${requests.length} requests over ${routes.length} routes in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(failures.slice(0, 30), `${failures.length} wrong answers`).toEqual([]);
    expect(seconds).toBeLessThan(60);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    // Valid credentials pass even when the fuzz's bad ones used up this address's failure allowance, and
    // another client address is served as before.
    expect((await call({ method: 'GET', path: `/api/v1/kpis/${kpiId}` })).status).toBe(200);
    const other = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${base}/api/v1/kpis/${kpiId}`);
      http.get({ host: url.hostname, port: url.port, path: url.pathname, localAddress: '127.0.0.2', headers: { 'x-api-key': t.adminKey } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(other).toBe(200);
  }, 120_000);
});
