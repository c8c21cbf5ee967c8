// A SQLite query runner in its own process (plain JavaScript: started with `node`, no loader). The
// service kills the process at a query's timeout: better-sqlite3 runs a query inside one native call
// that nothing else can interrupt, so a process of its own is what keeps the event loop free and the
// timeout real. Messages: {id, op: 'query', file, text, values, maxRows} | {id, op: 'version', file}.
import Database from 'better-sqlite3';

const handles = new Map();

function handle(file) {
  let db = handles.get(file);
  if (db === undefined) {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    handles.set(file, db);
  }
  return db;
}

function query({ file, text, values, maxRows }) {
  const stmt = handle(file).prepare(text);
  if (!stmt.reader) return { error: 'the query returns no rows (a KPI query must select rows)' };
  const rows = [];
  for (const row of stmt.iterate(...values)) {
    rows.push(row);
    if (rows.length > maxRows) return { tooMany: true };
  }
  return { rows, columns: stmt.columns().map((c) => c.name) };
}

process.on('message', (msg) => {
  let reply;
  try {
    reply = msg.op === 'version' ? { version: handle(msg.file).prepare('SELECT sqlite_version() AS v').get().v } : query(msg);
  } catch (e) {
    reply = { error: e instanceof Error ? e.message : String(e) };
  }
  process.send({ id: msg.id, ...reply });
});
process.on('disconnect', () => process.exit(0));
