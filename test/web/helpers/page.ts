import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// What the browser tests ask of any dashboard page.

/** Follows a link of the main navigation. */
export const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
/** Waits for the page's title (its one h1). */
export const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { name, level: 1 }).waitFor();

/** Opens the dashboard at `url` and signs in as admin through the form, until the grid is there. */
export async function signInAsAdmin(page: Page, url: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading(page, 'KPIs');
}
/** Wider than the screen? Then the elements reaching past its right edge (wide tables should scroll inside their own box). */
export const overflowing = (page: Page) => page.evaluate(() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  // The nav's links scroll inside it by design; anything else reaching past the edge widens the page.
  return Array.from(document.querySelectorAll('body *')).filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('nav'))
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)}px)`).slice(0, 8);
});
/** The page catches up (a live message, a reload, the audit projection): generous under a loaded CI machine. */
export const poll = <T>(read: () => T | Promise<T>, interval = 100) => expect.poll(read, { timeout: 15_000, interval });

/** Controls a screen reader could not name: fields without a label, buttons and links without text or aria-label. */
export const unlabelled = (page: Page) => page.evaluate(() => {
  const named = (el: Element) => !!(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
  const fields = Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
    .filter((el) => (el as HTMLInputElement).labels?.length === 0 && !named(el));
  const actions = Array.from(document.querySelectorAll('button, a[href]')).filter((el) => !el.textContent?.trim() && !named(el));
  return [...fields, ...actions].map((el) => el.outerHTML.slice(0, 120));
});

/**
 * Status words (badges) whose text is below WCAG AA's 4.5:1 against their colour, and a focus ring below
 * 3:1 against the page: each badge class is drawn once in the current colour scheme and measured.
 */
export const lowContrast = (page: Page) => page.evaluate(() => {
  const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((v) => v / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  const luminance = (css: string) => { const [r = 0, g = 0, b = 0] = rgb(css); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a: string, b: string) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number]; return (x + 0.05) / (y + 0.05); };
  const classes = ['', 'ok', 'breaching', 'alerting', 'failing', 'inactive', 'no-history', 'open', 'acknowledged', 'resolved', 'success', 'failed',
    'timeout', 'stuck', 'breach', 'no-judgement', 'delivery-sent', 'delivery-pending', 'delivery-dead', 'key-active', 'key-revoked', 'key-expired',
    'health-up', 'health-degraded', 'health-down'];
  const low: string[] = [];
  for (const c of classes) {
    const el = Object.assign(document.createElement('span'), { className: `badge ${c}`, textContent: 'x' });
    document.body.append(el);
    const s = getComputedStyle(el);
    const r = ratio(s.color, s.backgroundColor);
    if (r < 4.5) low.push(`badge ${c || '(plain)'}: ${r.toFixed(2)}`);
    el.remove();
  }
  const root = getComputedStyle(document.documentElement);
  const probe = Object.assign(document.createElement('span'), { style: `color: ${root.getPropertyValue('--focus')}` });
  document.body.append(probe);
  const focus = ratio(getComputedStyle(probe).color, root.backgroundColor);
  probe.remove();
  if (focus < 3) low.push(`focus ring: ${focus.toFixed(2)}`);
  return low;
});
