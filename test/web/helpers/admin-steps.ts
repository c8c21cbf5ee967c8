import { expect } from 'vitest';
import type { Browser } from '../browser.ts';
import { heading, nav, poll } from './page.ts';

// Steps of the admin pages' browser test that stand alone: on an administrator's signed-in page, given the service's address.

/** The key is on screen once, works, is gone after "stored", and fails from the moment it is revoked. */
export async function apiKeyShownOnceThenRevoked({ page, shot }: Browser, url: string): Promise<void> {
  await nav(page, 'API keys');
  await heading(page, 'API keys');
  const form = page.getByRole('form', { name: 'New API key' });
  await form.getByLabel('Name').fill('ci-robot');
  await form.getByRole('button', { name: 'Create key' }).click();
  await poll(() => form.locator('#scopes-error').innerText()).toBe('must NOT have fewer than 1 items');
  await form.getByLabel('kpi:read').check();
  await form.getByRole('button', { name: 'Create key' }).click();
  const key = await page.locator('#new-key-value').innerText();
  expect(key.length).toBeGreaterThan(20);
  await shot('apikey-shown-once');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy the key' }).click();
  await poll(() => page.getByText('Copied to the clipboard').count()).toBe(1);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  const asKey = () => fetch(`${url}api/v1/kpis`, { headers: { 'x-api-key': key } }).then((r) => r.status);
  expect(await asKey()).toBe(200);
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await page.reload();
  await heading(page, 'API keys');
  const row = page.getByRole('row').filter({ hasText: 'ci-robot' });
  await poll(() => row.innerText()).toMatch(/kpi:read[\s\S]*active/);
  expect(await page.locator('main').innerText()).not.toContain(key);
  await row.getByRole('button', { name: 'Revoke ci-robot' }).click();
  await poll(() => row.innerText()).toContain('revoked');
  expect(await asKey()).toBe(401);
  await shot('apikeys-revoked');
}

/** A user with a role, the API's password rule shown by its field; disabled, they cannot sign in. */
export async function userCreatedThenDisabled({ page, shot }: Browser, url: string): Promise<void> {
  await nav(page, 'Users');
  await heading(page, 'Users');
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('Username').fill('bob');
  await form.getByLabel('Role').selectOption('editor');
  await form.getByLabel('First password').fill('too-short');
  await form.getByRole('button', { name: 'Create user' }).click();
  await poll(() => form.getByText('must be 12 to 1024 characters', { exact: true }).count()).toBe(1);
  await form.getByLabel('First password').fill('bob-correct-horse');
  await form.getByRole('button', { name: 'Create user' }).click();
  const row = page.getByRole('row').filter({ hasText: 'bob' });
  await poll(() => row.innerText()).toMatch(/bob\s+editor\s+active/);
  const login = () => fetch(`${url}api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bob', password: 'bob-correct-horse' }),
  }).then((r) => r.status);
  expect(await login()).toBe(200);
  await row.getByRole('button', { name: 'Disable bob' }).click();
  await poll(() => row.innerText()).toContain('disabled');
  expect(await login()).toBe(401);
  await shot('users');
}
