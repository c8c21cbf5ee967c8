import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendProblem } from './problem.ts';

/** Where `npm run build:web` writes the dashboard (vite's outDir). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths that belong to the API side: a miss there is a problem+json 404, never the dashboard's page. */
// `actions`: an action link the router could not match (a token too long) is a 404, not the dashboard.
const SERVER_PATHS = /^\/(api|health|metrics|actions)(\/|$|\?)/;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MonitoringGrid</title></head>
<body><main><h1>MonitoringGrid</h1><p>The dashboard has not been built. Run <code>npm run build:web</code>
(or <code>npm start</code>, which builds it first) and reload.</p><p>The API is at <a href="/api/docs">/api/docs</a>.</p></main></body></html>`;

/**
 * The page keeps its session's tokens in localStorage: it runs only its own bundle (no inline script,
 * nothing from elsewhere) and is never framed, so a button of the admin pages cannot be clicked through
 * another site's frame. Styles set by script (uPlot, React's style props) go through the CSSOM, which
 * style-src does not restrict; the favicon is a data: URL.
 */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function sendIndex(reply: FastifyReply, root: string): FastifyReply {
  reply.headers(PAGE_HEADERS);
  if (!existsSync(path.join(root, 'index.html'))) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
  // The page names hashed bundles: it must be revalidated so that a new build is picked up.
  return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
}

/**
 * Serves the dashboard (web/dist) at `/`: its files, and index.html for any other GET outside the API
 * (single-page app fallback). Public, like the login page it shows; the data comes from the API.
 */
export const webRoutes: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  await app.register(fastifyStatic, { root, serve: false });
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => sendIndex(reply, root));
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    if (SERVER_PATHS.test(request.url)) {
      return sendProblem(Object.assign(new Error(`no route GET ${request.url}`), { statusCode: 404 }), request, reply);
    }
    // A file name (with an extension) is a built asset; anything else is a page of the app.
    if (!/\.[a-z0-9]+$/i.test(file)) return sendIndex(reply, root);
    // Vite names assets by content hash, so they never change under one name.
    const immutable = file.startsWith('assets/');
    return reply.sendFile(file, root, immutable ? { maxAge: '365d', immutable: true } : { maxAge: 0 });
  });
};
