// Creates a PGlite data directory (initdb) and exits: see pglite-db.ts#initialiseInChild for why in a process of its own.
import { PGlite } from '@electric-sql/pglite';

const db = await PGlite.create({ dataDir: process.argv[2] });
await db.close();
