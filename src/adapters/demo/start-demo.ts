import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { CommandDeps } from '../../core/ports.ts';
import { ensureDemoEntities } from './demo-setup.ts';
import { startDemoRunner, type DemoRunner } from './demo-runner.ts';

/**
 * The demo of `npm start` with no configuration: a SQLite payments database in DATA_DIR kept live,
 * the demo KPIs, and one deposit outage a few minutes after start, so that a newcomer sees an alert
 * open, notify and resolve. The first start writes five weeks of history (a few seconds).
 */
export async function startDemo(config: Config, deps: CommandDeps, logger: Logger): Promise<DemoRunner> {
  const file = path.resolve(config.dataDir, 'demo.sqlite');
  const runner = startDemoRunner({
    file, clock: deps.clock,
    outageAfterMinutes: config.demo.outageAfterMinutes, outageMinutes: config.demo.outageMinutes,
    onError: (err) => logger.error({ err }, 'demo traffic could not be written'),
  });
  const { created } = await ensureDemoEntities(deps, file, { actor: 'system:demo', correlationId: deps.ids.next('correlation') });
  logger.info({
    demoDatabase: file, created,
    outageFrom: new Date(runner.outage.from).toISOString(), outageUntil: new Date(runner.outage.until).toISOString(),
  }, 'demo running: deposits fail during the outage; watch GET /api/v1/alerts and GET /api/v1/notifications (DEMO=false turns it off)');
  return runner;
}
