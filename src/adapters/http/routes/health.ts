import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from '../schemas/common.ts';

export interface HealthComponent {
  readonly status: 'up' | 'degraded' | 'down';
  readonly detail: string;
}

/** Each check answers for one component; `down` makes the service unready (503), `degraded` does not. */
export type HealthChecks = Record<string, () => Promise<HealthComponent>>;

/** A check of a varying set of components (one per data source): named components, or a failure. */
export type HealthGroup = () => Promise<Record<string, HealthComponent>>;

const failure = (e: unknown): HealthComponent => ({ status: 'down', detail: e instanceof Error ? e.message : String(e) });

/** Runs every check and group at once; a check that throws is down, a group that throws is degraded. */
async function collect(checks: HealthChecks, groups: Record<string, HealthGroup>): Promise<[string, HealthComponent][]> {
  const single = Object.entries(checks).map(async ([name, check]): Promise<[string, HealthComponent][]> => [[name, await check().catch(failure)]]);
  const many = Object.entries(groups).map(async ([name, group]): Promise<[string, HealthComponent][]> =>
    Object.entries(await group().catch((e: unknown) => ({ [name]: { ...failure(e), status: 'degraded' as const } }))));
  return (await Promise.all([...single, ...many])).flat();
}

const ComponentView = Type.Object({ status: Type.String(), detail: Type.Optional(Type.String()) });
const ReadyView = Type.Object({ status: Type.String(), components: Type.Record(Type.String(), ComponentView) });

/** Every component and the overall status: down if any is down, else degraded if any is, else up. */
async function readiness(checks: HealthChecks, groups: Record<string, HealthGroup>) {
  const entries = await collect(checks, groups);
  const statuses = entries.map(([, c]) => c.status);
  const status = statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'up';
  return { status, components: Object.fromEntries(entries) };
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: HealthChecks; groups?: Record<string, HealthGroup> }> = async (app, { checks, groups = {} }) => {
  app.get('/health/live', {
    config: { access: 'public' },
    schema: { tags: ['Health'], summary: 'The process is up', response: { 200: Type.Object({ status: Type.String() }) } },
  }, async () => ({ status: 'up' }));

  // Public, for load balancers and probes: one aggregate status. Component names (data sources by name)
  // and details (connection errors naming internal hosts, versions, node ids) are for signed-in
  // operators, at /api/v1/health.
  app.get('/health/ready', {
    config: { access: 'public' },
    schema: {
      tags: ['Health'],
      summary: 'Ready to serve: every component up or degraded (200); a component down is 503. One aggregate component (`service`); each component and its detail at /api/v1/health',
      response: { 200: ReadyView, 503: ReadyView },
    },
  }, async (_request, reply) => {
    const { status } = await readiness(checks, groups);
    return reply.status(status === 'down' ? 503 : 200).send({ status, components: { service: { status } } });
  });

  app.get('/api/v1/health', {
    config: { access: 'kpi:read' },
    schema: { tags: ['Health'], summary: 'Every health component with its status and detail (the same checks as /health/ready)', response: { 200: ReadyView, ...problemResponses } },
  }, async () => readiness(checks, groups));
};
