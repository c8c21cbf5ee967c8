import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export interface HealthComponent {
  readonly status: 'up' | 'degraded' | 'down';
  readonly detail: string;
}

/** Each check answers for one component; `down` makes the service unready (503), `degraded` does not. */
export type HealthChecks = Record<string, () => Promise<HealthComponent>>;

const ComponentView = Type.Object({ status: Type.String(), detail: Type.String() });
const ReadyView = Type.Object({ status: Type.String(), components: Type.Record(Type.String(), ComponentView) });

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: HealthChecks }> = async (app, { checks }) => {
  app.get('/health/live', {
    config: { access: 'public' },
    schema: { tags: ['Health'], summary: 'The process is up', response: { 200: Type.Object({ status: Type.String() }) } },
  }, async () => ({ status: 'up' }));

  app.get('/health/ready', {
    config: { access: 'public' },
    schema: { tags: ['Health'], summary: 'Ready to serve: every component up or degraded', response: { 200: ReadyView, 503: ReadyView } },
  }, async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]): Promise<[string, HealthComponent]> => {
        try {
          return [name, await check()];
        } catch (e) {
          return [name, { status: 'down', detail: e instanceof Error ? e.message : String(e) }];
        }
      }),
    );
    const components = Object.fromEntries(entries);
    const statuses = entries.map(([, c]) => c.status);
    const status = statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'up';
    return reply.status(status === 'down' ? 503 : 200).send({ status, components });
  });
};
