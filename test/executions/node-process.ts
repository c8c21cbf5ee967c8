/**
 * A scheduler node in its own process, for the test that kills one with SIGKILL mid-execution.
 * argv: <database url> <lease grace ms>. Prints `claimed <kpiId> <nodeId>` for every claim.
 */
import { openPgDb } from '../../src/adapters/storage/pg-db.ts';
import { systemClock } from '../../src/adapters/system-clock.ts';
import { startNode } from './nodes.ts';

const [url, grace] = process.argv.slice(2);
const db = openPgDb({ connectionString: url!, max: 4 });
const node = startNode(db, systemClock, { leaseGraceMs: Number(grace) });
for (;;) {
  const before = node.scheduler.counters().claimed;
  await node.scheduler.tick();
  for (const r of node.scheduler.running()) if (node.scheduler.counters().claimed > before) process.stdout.write(`claimed ${r.kpiId} ${node.scheduler.nodeId}\n`);
  await new Promise((r) => setTimeout(r, 50));
}
