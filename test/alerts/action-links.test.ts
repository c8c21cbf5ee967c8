import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLinkSigner, deriveActionLinkKey } from '../../src/adapters/crypto/action-link-key.ts';
import { withoutLinkToken } from '../../src/adapters/observability/logger.ts';
import { actionsFor, expiryOf, linksOf, readToken, tokenOf, withActionLinks } from '../../src/core/alerts/action-links.ts';

const signer = createLinkSigner(randomBytes(32));
const NTF = 'ntf_01KJPWD6M0SKC1WQ647RNKNNHB';
const createdAt = new Date('2026-03-02T09:00:00.250Z');
const row = { id: NTF, channel: 'email', createdAt, body: 'Deposits dropped.', payload: null, actions: actionsFor('opened', false) };

describe('action link tokens', () => {
  it('given a notification, its links are the same at every attempt (a resend carries the same link)', () => {
    expect(linksOf(row, signer, 'https://grid.example/')).toEqual(linksOf(row, signer, 'https://grid.example'));
    expect(withActionLinks(row, signer, 'https://grid.example').body).toBe(withActionLinks(row, signer, 'https://grid.example').body);
  });

  it('a token reads back to its notification, action and expiry, 24 h after the notification was queued', () => {
    const [ack] = linksOf(row, signer, 'https://grid.example');
    const token = ack!.url.split('/actions/')[1]!;
    expect(token.length).toBeLessThan(80);
    expect(readToken(token, signer)).toEqual({ notificationId: NTF, action: 'acknowledge', expiresAt: new Date('2026-03-03T09:00:00Z') });
    expect(expiryOf(createdAt).toISOString()).toBe('2026-03-03T09:00:00.000Z');
  });

  it('a changed character anywhere, another key, or junk reads as nothing', () => {
    const token = tokenOf({ notificationId: NTF, action: 'resolve', expiresAt: new Date('2026-03-03T09:00:00Z') }, signer);
    for (let i = 0; i < token.length; i++) {
      const c = token[i] === 'A' ? 'B' : 'A';
      const changed = token.slice(0, i) + c + token.slice(i + 1);
      if (changed !== token) expect(readToken(changed, signer), `position ${i}`).toBeNull();
    }
    expect(readToken(token, createLinkSigner(randomBytes(32)))).toBeNull();
    for (const junk of ['', 'x', `${token}.`, `${token}A`, token.replace('.r.', '.a.'), 'x'.repeat(10_000)]) expect(readToken(junk, signer)).toBeNull();
  });

  it('the key is derived from the secrets key: the same for nodes sharing it, different for another', () => {
    const secrets = randomBytes(32);
    expect(deriveActionLinkKey(secrets)).toEqual(deriveActionLinkKey(Buffer.from(secrets)));
    expect(deriveActionLinkKey(secrets)).not.toEqual(deriveActionLinkKey(randomBytes(32)));
    expect(deriveActionLinkKey(secrets)).not.toEqual(secrets);
  });
});

describe('which messages carry which links', () => {
  it('opening, reminder and escalation offer all three; an acknowledgement resolve and silence; a resolution and a group none', () => {
    expect(actionsFor('opened', false)).toEqual(['acknowledge', 'resolve', 'silence']);
    expect(actionsFor('escalation', false)).toEqual(['acknowledge', 'resolve', 'silence']);
    expect(actionsFor('acknowledged', false)).toEqual(['resolve', 'silence']);
    expect(actionsFor('resolved', false)).toEqual([]);
    expect(actionsFor('opened', true)).toEqual([]);
  });

  it('a mail ends with its links; an SMS and the log channel carry none; a webhook payload gets `actions`', () => {
    expect(withActionLinks(row, signer, 'https://g').body).toMatch(/^Deposits dropped\.\n\nAcknowledge: https:\/\/g\/actions\/ntf_.*\nResolve: .*\nSilence for 1 hour: .*\n\(Each link works once, until 2026-03-03T09:00:00\.000Z/s);
    expect(withActionLinks({ ...row, channel: 'sms' }, signer, 'https://g')).toEqual({ ...row, channel: 'sms' });
    expect(withActionLinks({ ...row, channel: 'log' }, signer, 'https://g')).toEqual({ ...row, channel: 'log' });
    const hook = withActionLinks({ ...row, channel: 'webhook', payload: { purpose: 'opened' } }, signer, 'https://g');
    expect(hook.payload).toMatchObject({ purpose: 'opened', actions: [{ action: 'acknowledge', expiresAt: '2026-03-03T09:00:00.000Z' }, { action: 'resolve' }, { action: 'silence' }] });
  });

  it('request logs show an action link without its token', () => {
    expect(withoutLinkToken(`/actions/${NTF}.a.abc.MAC?x=1`)).toBe('/actions/[redacted]?x=1');
    expect(withoutLinkToken('/api/v1/alerts/actions/x')).toBe('/api/v1/alerts/actions/x');
  });
});
