import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkSigner } from '../../src/adapters/crypto/action-link-key.ts';
import { buildContact } from '../helpers/factories.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { alertFixture, breach, MINUTE, type AlertFixture } from './fixture.ts';

/**
 * An SMTP server that takes the first message whole and then drops the connection before its 250: the
 * sender cannot know it arrived, so it sends it again. Both copies must carry the same Message-ID, so
 * that a mail client can show them as one, and the same action links.
 */
interface Received { messageId: string; notificationId: string; to: string; text: string }
let store: TestStore;
let server: SMTPServer;
let f: AlertFixture;
const received: Received[] = [];
let dropNext = true;

beforeAll(async () => {
  store = await createTestStore();
  const sockets = new Map<number, Socket>();
  server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false, closeTimeout: 100,
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        const header = (name: string) => String(m.headers.get(name) ?? '');
        received.push({ messageId: m.messageId ?? '', notificationId: header('x-monitoringgrid-notification'), to: session.envelope.rcptTo[0]!.address, text: m.text ?? '' });
        if (!dropNext) return callback();
        dropNext = false;
        sockets.get(session.remotePort)?.destroy(); // the message is in; the 250 never goes out
      }, callback);
    },
  });
  server.on('error', () => undefined);
  server.server.on('connection', (socket: Socket) => sockets.set(socket.remotePort!, socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  f = await alertFixture(store, { smtpUrl: `smtp://127.0.0.1:${port}?ignoreTLS=true`, retryCount: 3, actionLinks: createLinkSigner(randomBytes(32)) });
});
afterAll(async () => {
  f.close();
  await new Promise<void>((r) => server.close(() => r()));
  await store.close();
});

describe('a mail whose acknowledgement is lost', () => {
  it('is sent again with the same Message-ID, derived from the notification id; another mail has its own', async () => {
    const kpi = await f.makeKpi({ priority: 2 }, [buildContact({ email: 'ann@example.com' })]);
    await f.judge(breach(kpi));
    expect(await f.worker.tick()).toMatchObject({ sent: 0, failed: 1 });
    f.clock.advance(5 * MINUTE);
    expect(await f.worker.tick()).toMatchObject({ sent: 1, failed: 0 });
    expect(received).toHaveLength(2);
    const [first, again] = received;
    expect(first!.notificationId).toMatch(/^ntf_/);
    expect(again!.notificationId).toBe(first!.notificationId);
    expect(first!.messageId).toBe(`<${first!.notificationId}@example.com>`);
    expect(again!.messageId).toBe(first!.messageId);
    // Its action links too: derived from the notification, not minted per attempt (docs/action-links.md).
    const ackLink = (r: Received) => /Acknowledge: (\S+)/.exec(r.text)?.[1];
    expect(ackLink(first!)).toMatch(/\/actions\/ntf_/);
    expect(ackLink(again!)).toBe(ackLink(first!));

    const other = await f.makeKpi({ priority: 2 }, [buildContact({ email: 'bob@example.com' })]);
    await f.judge(breach(other));
    expect(await f.worker.tick()).toMatchObject({ sent: 1 });
    expect(received.at(-1)!.messageId).toBe(`<${received.at(-1)!.notificationId}@example.com>`);
    expect(received.at(-1)!.messageId).not.toBe(first!.messageId);
    expect(ackLink(received.at(-1)!)).not.toBe(ackLink(first!));
  });
});
