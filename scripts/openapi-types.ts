/**
 * TypeScript types from the service's OpenAPI 3.0 document, for the dashboard (web/src/api/generated.ts):
 * one `ApiPaths` entry per route and method with its path and query parameters, its JSON body and its
 * 2xx answers. Only what the routes' TypeBox schemas produce is supported (objects, arrays, enums,
 * anyOf/oneOf/allOf, `nullable`, additionalProperties); anything else is `unknown`, never an error.
 */

export interface Schema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly nullable?: boolean;
  readonly additionalProperties?: boolean | Schema;
  readonly description?: string;
}

interface Parameter { readonly name: string; readonly in: string; readonly required?: boolean; readonly schema?: Schema; readonly description?: string }
interface Content { readonly content?: Readonly<Record<string, { readonly schema?: Schema }>> }
interface Operation { readonly parameters?: readonly Parameter[]; readonly requestBody?: Content & { readonly required?: boolean }; readonly responses?: Readonly<Record<string, Content>> }
export interface OpenApiDocument { readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>> }

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));
const pad = (depth: number) => '  '.repeat(depth);
const comment = (s: Schema | Parameter, depth: number) => (s.description === undefined ? '' : `${pad(depth)}/** ${s.description.replace(/\*\//g, '*\\/')} */\n`);

function union(members: readonly string[]): string {
  const unique = [...new Set(members)];
  return unique.length === 0 ? 'never' : unique.join(' | ');
}

/** The type of a schema, indented for `depth` when it spans lines. */
export function typeOf(s: Schema | undefined, depth = 0): string {
  if (s === undefined) return 'unknown';
  const base = baseType(s, depth);
  return s.nullable === true && base !== 'unknown' && !base.endsWith(' | null') && base !== 'null' ? `${base} | null` : base;
}

function baseType(s: Schema, depth: number): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum !== undefined) return union(s.enum.map((v) => JSON.stringify(v)));
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives !== undefined) return union(alternatives.map((a) => parenthesised(typeOf(a, depth))));
  if (s.allOf !== undefined) return s.allOf.map((a) => parenthesised(typeOf(a, depth))).join(' & ');
  if (Array.isArray(s.type)) return union(s.type.map((t: string) => baseType({ ...s, type: t }, depth)));
  switch (s.type) {
    case 'string': return 'string';
    case 'integer': case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return `${parenthesised(typeOf(s.items, depth))}[]`;
    case 'object': return objectType(s, depth);
    default: return s.properties !== undefined ? objectType(s, depth) : 'unknown';
  }
}

const parenthesised = (t: string) => (/[|&]/.test(t) && !t.startsWith('{') ? `(${t})` : t);

function objectType(s: Schema, depth: number): string {
  const props = Object.entries(s.properties ?? {});
  const extra = s.additionalProperties;
  const record = extra === undefined || extra === true ? 'Record<string, unknown>' : extra === false ? null : `Record<string, ${typeOf(extra, depth)}>`;
  if (props.length === 0) return record ?? 'Record<string, never>';
  const required = new Set(s.required ?? []);
  const lines = props.map(([name, p]) => `${comment(p, depth + 1)}${pad(depth + 1)}${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(p, depth + 1)};`);
  return `{\n${lines.join('\n')}\n${pad(depth)}}`;
}

function parametersOf(op: Operation, where: string, depth: number): string {
  const params = (op.parameters ?? []).filter((p) => p.in === where);
  if (params.length === 0) return 'Record<string, never>';
  const lines = params.map((p) => `${comment(p, depth + 1)}${pad(depth + 1)}${key(p.name)}${p.required === true ? '' : '?'}: ${typeOf(p.schema, depth + 1)};`);
  return `{\n${lines.join('\n')}\n${pad(depth)}}`;
}

const jsonOf = (c: Content | undefined): Schema | undefined => c?.content?.['application/json']?.schema;

function operationType(op: Operation, depth: number): string {
  const answers = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
  const responses = answers.map(([status, c]) => `${pad(depth + 2)}${status}: ${jsonOf(c) === undefined ? 'undefined' : typeOf(jsonOf(c), depth + 2)};`);
  const body = op.requestBody === undefined ? 'undefined' : typeOf(jsonOf(op.requestBody), depth + 1);
  return [
    '{',
    `${pad(depth + 1)}path: ${parametersOf(op, 'path', depth + 1)};`,
    `${pad(depth + 1)}query: ${parametersOf(op, 'query', depth + 1)};`,
    `${pad(depth + 1)}body: ${body};`,
    `${pad(depth + 1)}responses: {`, ...responses, `${pad(depth + 1)}};`,
    `${pad(depth)}}`,
  ].join('\n');
}

const HELPERS = `
export type ApiPath = keyof ApiPaths;
export type ApiMethod<P extends ApiPath> = keyof ApiPaths[P] & string;
type Operation<P extends ApiPath, M extends ApiMethod<P>> = ApiPaths[P][M] extends { responses: infer R; body: infer B; query: infer Q } ? { responses: R; body: B; query: Q } : never;
/** The JSON answer of a route: its 200 (else 201) answer unless a status is named. */
export type ApiResponse<P extends ApiPath, M extends ApiMethod<P>, S extends keyof Operation<P, M>['responses'] = 200 extends keyof Operation<P, M>['responses'] ? 200 : keyof Operation<P, M>['responses']> = Operation<P, M>['responses'][S];
/** The JSON body a route takes. */
export type ApiBody<P extends ApiPath, M extends ApiMethod<P>> = Operation<P, M>['body'];
/** The query parameters a route takes. */
export type ApiQuery<P extends ApiPath, M extends ApiMethod<P>> = Operation<P, M>['query'];
`;

export function renderApiTypes(doc: OpenApiDocument): string {
  const entries = Object.keys(doc.paths).sort().flatMap((p) => {
    const ops = doc.paths[p]!;
    const methods = METHODS.filter((m) => ops[m] !== undefined);
    if (methods.length === 0) return [];
    return [`  ${JSON.stringify(p)}: {\n${methods.map((m) => `    ${m}: ${operationType(ops[m]!, 2)};`).join('\n')}\n  };`];
  });
  return [
    '// Generated by `npm run api:types` from the service\'s OpenAPI document (GET /api/docs/json): do not edit.',
    '// test/http/openapi-web-types.int.test.ts fails when this file and the routes\' schemas differ.',
    '/* eslint-disable */',
    '',
    'export interface ApiPaths {',
    ...entries,
    '}',
    HELPERS,
  ].join('\n');
}
