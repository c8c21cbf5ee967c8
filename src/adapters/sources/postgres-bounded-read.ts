import pg from 'pg';

export type Rows = { rows: Record<string, unknown>[]; columns: string[] };

interface Connection {
  parse(m: { text: string }): void;
  bind(m: { values: unknown[]; valueMapper: (v: unknown) => unknown }): void;
  describe(m: { type: 'P'; name: string }): void;
  execute(m: { portal: string; rows: number }): void;
  sync(): void;
  sendCopyFail(message: string): void;
  stream: { cork?(): void; uncork?(): void };
}

interface ParsedResult {
  fields: { name: string }[];
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): Record<string, unknown>;
}

// The driver's own row parser and value mapper, as pg-cursor and pg's Query use them (untyped in @types/pg).
const driver = pg as unknown as { Result: new () => ParsedResult; utils: { prepareValue(v: unknown): unknown } };

/**
 * One KPI query read in ONE round trip with at most `max + 1` rows ever sent by the server: Parse, Bind,
 * Describe, Execute(max + 1) and Sync go out together. A result with more rows stops at max + 1 (the
 * portal is suspended, and closed by the transaction's ROLLBACK); resolves null then. pg-cursor needs a
 * second round trip to close its named portal, and one per batch; this is the same bound without them.
 * A submittable of the pg client (`client.query(read)`), so the client's queue and error handling apply.
 */
export class BoundedRead implements pg.Submittable {
  readonly done: Promise<Rows | null>;
  private readonly result = new driver.Result();
  private readonly rows: Record<string, unknown>[] = [];
  private suspended = false;
  private parseError: unknown = null;
  private settle!: { resolve(r: Rows | null): void; reject(e: unknown): void };

  constructor(private readonly text: string, private readonly values: unknown[], private readonly max: number) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  submit(connection: pg.Connection): void {
    const con = connection as unknown as Connection;
    // One write for the five messages (as pg's own Query does).
    con.stream.cork?.();
    try {
      con.parse({ text: this.text });
      con.bind({ values: this.values, valueMapper: driver.utils.prepareValue });
      con.describe({ type: 'P', name: '' });
      con.execute({ portal: '', rows: this.max + 1 });
      con.sync();
    } finally {
      con.stream.uncork?.();
    }
  }

  handleRowDescription(msg: { fields: unknown[] }): void {
    this.result.addFields(msg.fields);
  }

  handleDataRow(msg: { fields: unknown[] }): void {
    if (this.parseError !== null) return;
    try {
      this.rows.push(this.result.parseRow(msg.fields));
    } catch (e) {
      this.parseError = e;
    }
  }

  handlePortalSuspended(): void {
    this.suspended = true; // more rows than asked for: the server holds them, the Sync already went out
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}

  /** The COPY forms are refused before a run; should one come through, the server is told no. */
  handleCopyInResponse(connection: pg.Connection): void {
    (connection as unknown as Connection).sendCopyFail('monitoring-grid reads, it does not copy');
  }

  handleCopyData(): void {}

  /** The server's error (its ReadyForQuery follows the Sync already sent) or the connection's. */
  handleError(err: unknown): void {
    this.settle.reject(err);
  }

  handleReadyForQuery(): void {
    if (this.parseError !== null) return this.settle.reject(this.parseError);
    const tooMany = this.suspended || this.rows.length > this.max;
    this.settle.resolve(tooMany ? null : { rows: this.rows, columns: this.result.fields.map((f) => f.name) });
  }
}

/** Reads at most `max` rows of a query on `client`; null = there were more. */
export async function readBounded(client: pg.ClientBase, text: string, values: unknown[], max: number): Promise<Rows | null> {
  const read = new BoundedRead(text, values, max);
  client.query(read);
  return read.done;
}
