import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// What the browser tests ask of any dashboard page.

/** Follows a link of the main navigation. */
export const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
/** Waits for the page's title (its one h1). */
export const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { name, level: 1 }).waitFor();
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
