import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/** The one style of the pages; allowed by its hash, so the policy needs no 'unsafe-inline'. */
const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1c2430}'
  + 'h1{font-size:1.4rem}dt{font-weight:600}dd{margin:0 0 .5rem}button{font:inherit;padding:.5rem 1.2rem;cursor:pointer}'
  + '.note{color:#5a6472;font-size:.9rem}';
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * What the pages allow: their own style, a form posting to their own address, nothing else; never framed.
 * No referrer leaves them (the token is in their URL), and nobody keeps a copy.
 */
export const ACTION_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export interface ActionPage {
  readonly status: number;
  readonly title: string;
  readonly paragraphs: readonly string[];
  /** Facts shown as a list (label, value). */
  readonly facts?: readonly (readonly [string, string])[];
  /** The confirmation: a button that POSTs to this same address. */
  readonly button?: string;
}

/** A small page, everything escaped; the form has no action attribute, so it posts to the page's own URL. */
export function renderActionPage(p: ActionPage): string {
  const facts = p.facts && p.facts.length > 0
    ? `<dl>${p.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>` : '';
  const form = p.button ? `<form method="post"><button type="submit">${escapeHtml(p.button)}</button></form>` : '';
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">'
    + `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(p.title)} · MonitoringGrid</title>`
    + `<style>${STYLE}</style></head><body><h1>${escapeHtml(p.title)}</h1>`
    + p.paragraphs.map((x) => `<p>${escapeHtml(x)}</p>`).join('') + facts + form
    + '<p class="note">MonitoringGrid</p></body></html>';
}

export const sendActionPage = (reply: FastifyReply, page: ActionPage): FastifyReply =>
  reply.status(page.status).type('text/html; charset=utf-8').send(renderActionPage(page));
