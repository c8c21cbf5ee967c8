import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { grants } from '../../../core/auth/scopes.ts';
import { applyConfig, exportConfig, planConfig } from '../../../core/config/config-commands.ts';
import { configJsonSchema } from '../../../core/config/json-schema.ts';
import type { DataSourceInspector } from '../../../core/datasources/inspection.ts';
import { invalid } from '../../../core/errors.ts';
import type { CommandDeps } from '../../../core/ports.ts';
import { readConfigFile, withFileLines } from '../../config-file/config-file.ts';
import { toYaml } from '../../config-file/config-text.ts';
import { metaOf } from '../request-context.ts';
import { problemResponses } from '../schemas/common.ts';

const tags = ['Configuration'];

/**
 * A configuration file may be larger than other bodies (an export of 2,000 KPIs is about 2 MiB). Parsing
 * YAML with lines takes the event loop about a second per MiB here, so the limit also bounds that.
 */
export const CONFIG_BODY_LIMIT = 4 * 1_048_576;
const FILE_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'application/json'];

const LocatedProblem = Type.Object({
  type: Type.String(), title: Type.String(), status: Type.Integer(), code: Type.String(), detail: Type.String(),
  instance: Type.String(), requestId: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), line: Type.Optional(Type.Union([Type.Integer(), Type.Null()])), message: Type.String() }, { additionalProperties: true }))),
}, { additionalProperties: true, description: 'Problem details; each error names its path in the file and its line' });
const fileProblems = { ...problemResponses, 400: LocatedProblem, 409: LocatedProblem };

const Change = Type.Object({
  action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
  kind: Type.Union([Type.Literal('dataSource'), Type.Literal('contact'), Type.Literal('kpi')]),
  name: Type.String(),
  at: Type.Union([Type.String(), Type.Null()], { description: 'the entry in the file (JSON pointer); null for a delete' }),
  changes: Type.Record(Type.String(), Type.Object({ from: Type.Unknown(), to: Type.Unknown() })),
});
const PlanView = Type.Object({
  changes: Type.Array(Change, { description: 'empty when the file changes nothing' }),
  planId: Type.String({ description: 'send it as If-Match to apply exactly this plan' }),
});
const PruneQuery = Type.Object({ prune: Type.Optional(Type.Boolean({ default: false, description: 'delete what the file does not name' })) });
const PlanHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 64, description: 'the planId of the reviewed plan; 409 when the plan is now another' })) });
const FileBody = Type.String({ description: 'the configuration file, YAML (application/yaml) or JSON (application/json)' });

const planIdOf = (raw: string | undefined): string | undefined => {
  if (raw === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?([0-9a-f]{16})"?\s*$/.exec(raw);
  if (!m) throw invalid([{ path: 'headers:/if-match', message: 'must be the planId of a plan' }]);
  return m[1];
};

const wantsJson = (request: FastifyRequest): boolean => /\bapplication\/json\b/.test(request.headers.accept ?? '');

export const configRoutes: FastifyPluginAsyncTypebox<{ deps: CommandDeps; inspector?: DataSourceInspector | undefined }> = async (app, { deps, inspector }) => {
  // The file is read as text (also JSON), so that every problem can name its line.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(FILE_TYPES, { parseAs: 'string', bodyLimit: CONFIG_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.get('/config', {
    config: { access: 'config:read' },
    schema: {
      tags, summary: 'Export the configuration as one file',
      description: 'KPIs, contacts and data sources by name, without secrets: YAML, or JSON with Accept: application/json.',
      response: { 200: Type.Unknown({ description: 'the configuration file' }), ...problemResponses },
    },
  }, async (request, reply) => {
    const doc = await exportConfig(deps);
    if (wantsJson(request)) return reply.type('application/json; charset=utf-8').send(JSON.stringify(doc, null, 2));
    return reply.type('application/yaml; charset=utf-8').send(toYaml(doc));
  });

  app.get('/config/schema', {
    // Any credential (public routes are few, see DESIGN.md); `monitoring-grid config schema` prints it offline.
    config: { access: 'authenticated' },
    schema: { tags, summary: 'The JSON Schema of a configuration file', response: { 200: Type.Unknown() } },
  }, async (_request, reply) => reply.type('application/schema+json; charset=utf-8').send(JSON.stringify(configJsonSchema(), null, 2)));

  app.post('/config/plan', {
    config: { access: 'config:read' },
    bodyLimit: CONFIG_BODY_LIMIT,
    schema: {
      tags, summary: 'What applying a configuration file would change', description: 'Changes nothing. 400 lists every problem of the file with its line.',
      consumes: FILE_TYPES, querystring: PruneQuery, body: FileBody, response: { 200: PlanView, ...fileProblems },
    },
  }, async (request) => {
    const file = readConfigFile(request.body);
    return planConfig(deps, { read: file.read, prune: request.query.prune ?? false }).catch((e: unknown) => {
      throw withFileLines(e, file);
    });
  });

  app.post('/config/apply', {
    config: { access: 'config:write' },
    bodyLimit: CONFIG_BODY_LIMIT,
    schema: {
      tags, summary: 'Apply a configuration file, all or nothing',
      description: 'Through the ordinary commands in one transaction: one event per change, all with this request\'s correlation id. A second apply of the same file changes nothing.',
      consumes: FILE_TYPES, querystring: PruneQuery, headers: PlanHeaders, body: FileBody, response: { 200: PlanView, ...fileProblems },
    },
  }, async (request) => {
    const file = readConfigFile(request.body);
    const guard = { inspector, mayAllowPrivileged: grants(request.principal?.scopes ?? [], 'admin:*') };
    const expectedPlanId = planIdOf(request.headers['if-match']);
    return applyConfig(deps, { read: file.read, prune: request.query.prune ?? false, expectedPlanId, guard }, metaOf(request)).catch((e: unknown) => {
      throw withFileLines(e, file);
    });
  });
};
