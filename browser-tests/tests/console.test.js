// The admin console in a real browser (issue 19): sign in, create a store, create a customer
// in it, find it by email, edit it, assign a second store, see a store-scoped client's view,
// and run a GraphQL query — with no request to any other host, no script error and no
// Content-Security-Policy violation on any page. Screenshots go to target/console-screenshots.

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, openPage, screenshot, signIn, apiAs,
} from './harness.js';

let server;
let browser;
let opened = [];
/** State the flows build on: customer ids, the store-scoped client. */
const state = {};

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** Every page of a test: no foreign request, no script error, no CSP violation. */
afterEach(async () => {
  for (const { context, watch } of opened) {
    await context.close();
    assert.deepEqual(watch.foreign, [], 'requests to other hosts');
    assert.deepEqual(watch.problems, [], 'script errors or CSP violations');
  }
  opened = [];
});

async function open() {
  const o = await openPage(browser, server);
  opened.push(o);
  return o;
}

const main = (page) => page.locator('#main');

test('the console is served at /admin and signs in with an API client', async () => {
  const { page, watch } = await open();
  await page.goto(`${server.base}/admin`);
  assert.equal(new URL(page.url()).pathname, '/admin/');
  await page.getByLabel('Client ID').fill(server.admin.clientId);
  await page.getByLabel('Client secret').fill('not-the-secret');
  await screenshot(page, '01-sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'invalid_client' }).waitFor();

  await page.getByLabel('Client secret').fill(server.admin.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await main(page).getByRole('heading', { name: 'Project demo' }).waitFor();
  for (const section of ['Project', 'Stores', 'Customers', 'API clients', 'GraphQL']) {
    await page.locator('#nav').getByRole('link', { name: section }).waitFor();
  }
  // The project's languages, changed through the settings form.
  await page.getByLabel('Languages').fill('en, de');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await main(page).locator('.facts').getByText('de', { exact: true }).waitFor();
  await screenshot(page, '02-project');

  // The token lives in sessionStorage only: no cookie, never in a URL.
  const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('storekeep.console.session')));
  assert.ok(stored.token.length >= 20);
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.deepEqual(watch.urls.filter((u) => u.includes(stored.token)), []);
  assert.ok(!page.url().includes(stored.token));
});

test('stores: create two, and a referenced store cannot be deleted', async () => {
  const { page } = await open();
  await signIn(page, server, server.admin);
  await page.locator('#nav').getByRole('link', { name: 'Stores' }).click();
  for (const [key, en, de] of [['berlin', 'Berlin', 'Berlin DE'], ['paris', 'Paris', 'Paris DE']]) {
    await page.locator('#nav').getByRole('link', { name: 'Stores' }).click();
    const form = page.locator('#new-store');
    await form.getByLabel('Key').fill(key);
    await form.locator('input[name="name.en"]').fill(en);
    await form.locator('input[name="name.de"]').fill(de);
    await form.locator('input[name="languages"][value="en"]').check();
    await form.locator('input[name="countries"][value="DE"]').check();
    await form.getByRole('button', { name: 'Create store' }).click();
    await main(page).getByRole('heading', { name: `Store ${key}` }).waitFor();
  }
  // A duplicate key is refused with the API's message and field.
  await page.locator('#nav').getByRole('link', { name: 'Stores' }).click();
  await page.locator('#new-store').getByLabel('Key').fill('berlin');
  await page.getByRole('button', { name: 'Create store' }).click();
  const dup = page.getByRole('alert');
  await dup.getByText('DuplicateField').waitFor();
  assert.match(await dup.innerText(), /field key/);
  await page.getByRole('link', { name: 'berlin' }).waitFor();
  await screenshot(page, '03-stores');
});

test('customers: create in a store, find by email, edit, assign a second store', async () => {
  const { page } = await open();
  await signIn(page, server, server.admin);
  await page.locator('#nav').getByRole('link', { name: 'Customers' }).click();
  await page.getByRole('link', { name: 'New customer' }).click();
  await page.getByLabel('Store').selectOption('berlin');
  await page.getByLabel('Email').fill('ann@example.com');
  await page.getByLabel('Password').fill('s3cret-pass');
  await page.getByLabel('First name').fill('Ann');
  await page.getByLabel('Last name').fill('Lee');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await main(page).getByRole('heading', { name: 'ann@example.com' }).waitFor();
  await main(page).getByText('Store-specific').first().waitFor();

  // Others for the search and the store-scoped view: one in paris only, one global.
  const api = await apiAs(server, server.admin);
  state.bob = (await api('POST', '/in-store/key=paris/customers', { email: 'bob@example.com', password: 'pw-bob-123' })).customer;
  state.gus = (await api('POST', '/customers', { email: 'gus@example.com', password: 'pw-gus-123', firstName: 'Gus' })).customer;

  await page.locator('#nav').getByRole('link', { name: 'Customers' }).click();
  await page.getByRole('searchbox').fill('ANN@example.com');
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = main(page).locator('tbody tr');
  await page.waitForURL(/q=ANN/, { waitUntil: 'commit' });
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), /ann@example\.com[\s\S]*Ann Lee[\s\S]*Store-specific[\s\S]*berlin/);
  await page.getByRole('link', { name: 'ann@example.com' }).click();

  await page.getByLabel('First name').fill('Annie');
  await page.getByRole('button', { name: 'Save names' }).click();
  await main(page).locator('.facts').getByText('Annie Lee').waitFor();

  await page.getByLabel('Assign to store').selectOption('paris');
  await page.getByRole('button', { name: 'Assign store' }).click();
  const stores = page.locator('#customer-stores');
  await stores.getByRole('button', { name: 'Remove' }).nth(1).waitFor();
  assert.match(await stores.innerText(), /berlin[\s\S]*paris/);
  state.ann = await page.evaluate(() => location.hash.split('/').pop());
  await screenshot(page, '05-customer');

  await page.getByRole('button', { name: 'Password-reset token' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.getByText('shown only now').waitFor();
  assert.ok((await dialog.locator('code').first().innerText()).length >= 20);
  await dialog.getByRole('button', { name: 'I have copied it' }).click();

  // Filter: global customers only.
  await page.locator('#nav').getByRole('link', { name: 'Customers' }).click();
  await page.locator('select[name="store"]').selectOption({ label: 'Global customers' });
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/store=(~|%7E)global/, { waitUntil: 'commit' });
  await main(page).getByText('gus@example.com').waitFor();
  assert.equal(await main(page).locator('tbody tr').count(), 1);
  await page.locator('select[name="store"]').selectOption({ label: 'All customers' });
  await page.getByRole('button', { name: 'Search' }).click();
  await main(page).getByText('bob@example.com').waitFor();
  await screenshot(page, '04-customers');

  // The store is referenced now: deleting it shows ReferenceExists.
  await page.goto(`${server.base}/admin/#/stores/berlin`);
  await page.getByRole('button', { name: 'Delete store' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Delete' }).click();
  const refused = page.getByRole('alert');
  await refused.getByText('ReferenceExists').waitFor();
  assert.match(await refused.innerText(), /customer/i);
});

test('a stale version (409) offers a reload', async () => {
  const { page } = await open();
  await signIn(page, server, server.admin);
  await page.goto(`${server.base}/admin/#/customers/${state.ann}`);
  await page.getByLabel('Last name').waitFor();
  const api = await apiAs(server, server.admin);
  const now = await api('GET', `/customers/${state.ann}`);
  await api('POST', `/customers/${state.ann}`, { version: now.version, actions: [{ action: 'setLastName', lastName: 'Behind' }] });
  await page.getByLabel('Last name').fill('Stale');
  await page.getByRole('button', { name: 'Save names' }).click();
  const alert = page.getByRole('alert');
  await alert.getByText('ConcurrentModification').waitFor();
  await alert.getByRole('button', { name: 'Reload the latest version' }).click();
  await main(page).locator('.facts').getByText('Annie Behind').waitFor();
});

test('API clients: a store-scoped client made with the scope picker, its secret shown once', async () => {
  const { page } = await open();
  await signIn(page, server, server.admin);
  await page.locator('#nav').getByRole('link', { name: 'API clients' }).click();
  const form = page.locator('#new-client');
  await form.getByLabel('Name').fill('berlin desk');
  const row = form.locator('tr', { has: page.locator('code', { hasText: /^manage_customers$/ }) });
  await row.getByLabel('berlin').check();
  await form.locator('output').getByText('manage_customers:demo:berlin').waitFor();
  await screenshot(page, '06-api-clients');
  await form.getByRole('button', { name: 'Create API client' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.getByText('shown only now').waitFor();
  const codes = await dialog.locator('code').allInnerTexts();
  state.scoped = { clientId: codes[0], secret: codes[1] };
  assert.equal(codes[2], 'manage_customers:demo:berlin');
  await dialog.getByRole('button', { name: 'I have copied it' }).click();
  await main(page).getByText('berlin desk').waitFor();
});

test('a store-scoped client sees that store\'s customers and the global ones, nothing else', async () => {
  const { page } = await open();
  await signIn(page, server, state.scoped);
  const nav = await page.locator('#nav a').allInnerTexts();
  assert.deepEqual(nav, ['Customers', 'GraphQL']);
  await main(page).getByRole('heading', { name: 'Customers' }).waitFor();
  await main(page).getByText('gus@example.com').waitFor();
  const text = await main(page).locator('tbody').innerText();
  assert.match(text, /ann@example\.com/);
  assert.doesNotMatch(text, /bob@example\.com/);
  const options = await page.locator('select[name="store"] option').allInnerTexts();
  assert.equal(options.length, 1);
  assert.match(options[0], /berlin/);
  await screenshot(page, '07-store-scoped');

  // Ann belongs to berlin and paris: only berlin may be removed by this client.
  await page.getByRole('link', { name: 'ann@example.com' }).click();
  const stores = page.locator('#customer-stores');
  await stores.getByRole('button', { name: 'Remove' }).waitFor();
  assert.equal(await stores.getByRole('button', { name: 'Remove' }).count(), 1);

  // Another store's customer, typed into the address bar: the API refuses and the page says so.
  await page.goto(`${server.base}/admin/#/in-store/paris/customers/${state.bob.id}`);
  const alert = page.getByRole('alert');
  await alert.getByText('insufficient_scope').waitFor();
  await page.goto(`${server.base}/admin/#/in-store/berlin/customers/${state.bob.id}`);
  await page.getByRole('alert').getByText('ResourceNotFound').waitFor();
  await page.goto(`${server.base}/admin/#/stores`);
  await page.getByRole('alert').getByText('insufficient_scope').waitFor();
});

test('the GraphQL console runs a query offline with the signed-in token and browses the schema', async () => {
  const { page } = await open();
  await signIn(page, server, server.admin);
  await page.locator('#nav').getByRole('link', { name: 'GraphQL' }).click();
  await page.getByRole('button', { name: 'Run ▶' }).click();
  const result = page.locator('#result');
  await result.getByText('"paris"', { exact: true }).waitFor();
  assert.match(await result.innerText(), /"total": 2/);
  await page.getByRole('button', { name: 'Docs' }).click();
  await page.locator('#docs').getByRole('link', { name: 'Query', exact: true }).click();
  await page.locator('#docs').getByText('inStore').first().waitFor();
  await screenshot(page, '08-graphql');

  // The endpoint's own page (GET /{project}/graphql in a browser) is the same console.
  await page.goto(`${server.base}/demo/graphql`);
  await page.getByLabel('Query').fill('query { customer(key: "none") { id } stores { total } }');
  await page.getByRole('button', { name: 'Run ▶' }).click();
  await result.getByText('"customer": null').waitFor();
});

test('sign-out forgets the token', async () => {
  const { page } = await open();
  await signIn(page, server, server.admin);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('storekeep.console.session')), null);
  await page.reload();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
});
