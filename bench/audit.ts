/**
 * Audit search over 1,000,000 entries with the filters a user would use; p50/p95 per filter, and the
 * ratio to a baseline measured in the same run (fetching one entry by its position). Goal: p95 <= 50 ms.
 *
 *   tsx bench/audit.ts                 # PostgreSQL server at TEST_PG_URL (default 127.0.0.1:5432)
 *   AUDIT_BENCH_STORE=pglite tsx bench/audit.ts
 *   AUDIT_BENCH_EVENTS=200000 tsx bench/audit.ts
 */
import { searchAudit, type AuditFilter } from '../src/adapters/storage/audit.repo.ts';
import { FIXTURE_START, FIXTURE_STEP_MS, insertAuditFixture } from '../test/helpers/audit-fixture.ts';
import { createTestStore } from '../test/helpers/store.ts';

const EVENTS = Number(process.env.AUDIT_BENCH_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.AUDIT_BENCH_ROUNDS ?? 40);
const kind = process.env.AUDIT_BENCH_STORE === 'pglite' ? 'pglite' : 'postgres';

const at = (i: number): Date => new Date(FIXTURE_START + i * FIXTURE_STEP_MS);
const pick = (r: number, n: number): number => (r * 7919) % n;

/** Each scenario makes a different filter each round, so no plan or page is served from one lucky cache line. */
const scenarios: [string, (r: number) => Omit<AuditFilter, 'limit'>][] = [
  ['history of one KPI', (r) => ({ entityType: 'kpi', entityId: `kpi_E${pick(r, 5000) - (pick(r, 5000) % 10) + 3}` })],
  ['everything, newest first (system)', () => ({})],
  ['entity type, last 7 days', (r) => ({ entityType: 'contact', from: at(EVENTS - 20_160 - r * 100) })],
  ['event type KpiUpdated', () => ({ eventTypes: ['KpiUpdated'] })],
  ['actor + time range (a day)', (r) => ({ actor: `usr_${pick(r, 50) - (pick(r, 50) % 10) + 3}`, from: at(pick(r, EVENTS - 2880)), to: at(pick(r, EVENTS - 2880) + 2880) })],
  ['correlation id', (r) => ({ correlationId: `cor_${pick(r, Math.floor(EVENTS / 3))}` })],
  ['free text "deposits"', () => ({ q: 'deposits' })],
  ['free text, rare word + entity type', (r) => ({ q: `${pick(r, 5000)}`, entityType: 'kpi' })],
  ['changed field maxThreshold of one KPI', (r) => ({ field: 'maxThreshold', entityType: 'kpi', entityId: `kpi_E${pick(r, 5000) - (pick(r, 5000) % 10) + 3}` })],
  ['time range far in the past (a week)', (r) => ({ from: at(r * 1000), to: at(r * 1000 + 20_160) })],
  ['page 3 of event type AlertOpened', () => ({ eventTypes: ['AlertOpened'] })],
];

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const store = await createTestStore(kind);
  try {
    const started = performance.now();
    await insertAuditFixture(store.db, EVENTS);
    console.log(`store: ${kind}; ${EVENTS.toLocaleString('en')} entries inserted and indexed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const time = async (work: () => Promise<unknown>): Promise<number[]> => {
      await work(); // warm-up
      const ms: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const t = performance.now();
        await work();
        ms.push(performance.now() - t);
      }
      return ms.sort((a, b) => a - b);
    };
    let round = 0;
    const baseline = await time(() => store.db.query('SELECT * FROM audit_entries WHERE position = $1', [pick(++round, EVENTS) + 1]));
    const base50 = percentile(baseline, 50);
    const rows: string[][] = [['baseline: one entry by position', base50.toFixed(2), percentile(baseline, 95).toFixed(2), '1.0']];
    const all: number[] = [];
    for (const [name, filterOf] of scenarios) {
      let r = 0;
      const ms = await time(async () => {
        r++;
        let page = await searchAudit(store.db, { ...filterOf(r), limit: 50 });
        if (name.startsWith('page 3')) {
          page = await searchAudit(store.db, { ...filterOf(r), limit: 50, cursor: page.nextCursor ?? undefined });
          await searchAudit(store.db, { ...filterOf(r), limit: 50, cursor: page.nextCursor ?? undefined });
        }
      });
      all.push(...ms);
      rows.push([name, percentile(ms, 50).toFixed(2), percentile(ms, 95).toFixed(2), (percentile(ms, 50) / base50).toFixed(1)]);
    }
    all.sort((a, b) => a - b);
    rows.push(['ALL FILTERS', percentile(all, 50).toFixed(2), percentile(all, 95).toFixed(2), (percentile(all, 50) / base50).toFixed(1)]);
    const widths = [0, 1, 2, 3].map((c) => Math.max(...[['query', 'p50 ms', 'p95 ms', 'x baseline'], ...rows].map((row) => row[c]!.length)));
    const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
    console.log(line(['query', 'p50 ms', 'p95 ms', 'x baseline']));
    rows.forEach((row) => console.log(line(row)));
    console.log(`goal p95 <= 50 ms over all filters: ${percentile(all, 95) <= 50 ? 'met' : 'NOT met'} (${ROUNDS} rounds each, limit 50)`);
  } finally {
    await store.close();
  }
}

await main();
