/** The baseline of bench/memory.ts: a process that only opens PGlite in an empty folder and migrates it (argv: the folder). */
import { migrate } from '../src/adapters/storage/migrate.ts';
import { openPgliteDb } from '../src/adapters/storage/pglite-db.ts';

const db = await openPgliteDb(process.argv[2]!);
await migrate(db);
process.stdout.write('ready\n');
setInterval(() => undefined, 1000);
