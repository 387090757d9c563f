// Carts through the official TypeScript SDK (issue 8): an in-store cart with custom line items
// and exact cent-precision totals, in-store sign-in with that cart as `anonymousCart`, the
// customer's active cart and the Merge Cart endpoint, My Carts of a signed-in customer and of
// an anonymous session, and the error answers (a cart of another store is 404).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, apiRoot, sdkError, passwordFlowRoot, anonymousRoot } from './harness.js';

const PASSWORD = 'cart-pass-1';
let server;
let api;
let front; // the storefront API client: { clientId, clientSecret }

before(async () => {
  server = await startServer();
  api = apiRoot(server);
  const p = server.projectKey;
  for (const key of ['berlin', 'paris']) {
    await api.stores().post({ body: { key, name: { en: key }, countries: [{ code: 'DE' }] } }).execute();
  }
  const created = await api.apiClients().post({
    body: { name: 'storefront', scope: `manage_my_profile:${p} manage_my_orders:${p} create_anonymous_token:${p}` },
  }).execute();
  front = { clientId: created.body.id, clientSecret: created.body.secret };
});
after(async () => server && server.stop());

const inStore = (storeKey, root = api) => root.inStoreKeyWithStoreKeyValue({ storeKey });

const item = (slug, centAmount, quantity) => ({
  name: { en: slug }, slug, quantity, money: { currencyCode: 'EUR', centAmount },
});

test('an in-store cart with custom line items becomes the customer\'s cart at in-store sign-in', async () => {
  const customer = (await inStore('berlin').customers().post({
    body: { email: 'cart@berlin.test', password: PASSWORD },
  }).execute()).body.customer;

  const res = await inStore('berlin').carts().post({
    body: { currency: 'EUR', country: 'DE', customLineItems: [item('gift-wrap', 199, 2), item('service', 1000, 1)] },
  }).execute();
  assert.equal(res.statusCode, 201);
  const cart = res.body;
  assert.deepEqual(cart.store, { typeId: 'store', key: 'berlin' });
  assert.equal(cart.cartState, 'Active');
  assert.deepEqual(cart.totalPrice, { type: 'centPrecision', currencyCode: 'EUR', centAmount: 1398, fractionDigits: 2 });
  const wrap = cart.customLineItems.find((l) => l.slug === 'gift-wrap');
  assert.deepEqual(wrap.totalPrice, { type: 'centPrecision', currencyCode: 'EUR', centAmount: 398, fractionDigits: 2 });
  assert.equal(cart.customerId, undefined);

  const signIn = await inStore('berlin').login().post({
    body: { email: 'cart@berlin.test', password: PASSWORD, anonymousCart: { typeId: 'cart', id: cart.id } },
  }).execute();
  assert.equal(signIn.statusCode, 200);
  assert.equal(signIn.body.customer.id, customer.id);
  assert.equal(signIn.body.cart.id, cart.id);
  assert.equal(signIn.body.cart.customerId, customer.id);
  assert.equal(signIn.body.cart.version, cart.version + 1);
  assert.deepEqual(signIn.body.cart.totalPrice, cart.totalPrice);

  const active = await inStore('berlin').carts().withCustomerId({ customerId: customer.id }).get().execute();
  assert.equal(active.body.id, cart.id);
  const again = await inStore('berlin').carts().withId({ ID: cart.id }).get().execute();
  assert.equal(again.body.customerId, customer.id);
});

test('a cart of another store is 404 in a store; errors keep their codes', async () => {
  const paris = (await inStore('paris').carts().post({ body: { currency: 'EUR', key: 'paris-cart' } }).execute()).body;
  for (const call of [
    () => inStore('berlin').carts().withId({ ID: paris.id }).get().execute(),
    () => inStore('berlin').carts().withKey({ key: 'paris-cart' }).get().execute(),
    () => inStore('berlin').carts().withId({ ID: paris.id }).delete({ queryArgs: { version: 1 } }).execute(),
  ]) {
    const e = await sdkError(call);
    assert.equal(e.statusCode, 404);
    assert.equal(e.body.errors[0].code, 'ResourceNotFound');
  }
  const head = await sdkError(() => inStore('berlin').carts().withId({ ID: paris.id }).head().execute());
  assert.equal(head.statusCode, 404);

  const country = await sdkError(() => inStore('berlin').carts().post({ body: { currency: 'EUR', country: 'FR' } }).execute());
  assert.equal(country.statusCode, 400);
  assert.equal(country.body.errors[0].code, 'CountryNotConfiguredInStore');
  const stale = await sdkError(() => inStore('paris').carts().withId({ ID: paris.id }).post({
    body: { version: 5, actions: [{ action: 'setCountry', country: 'DE' }] },
  }).execute());
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.body.errors[0].currentVersion, 1);
  const lineItem = await sdkError(() => inStore('paris').carts().withId({ ID: paris.id }).post({
    body: { version: 1, actions: [{ action: 'addLineItem', sku: 'SKU-1' }] },
  }).execute());
  assert.equal(lineItem.body.errors[0].code, 'InvalidOperation');
});

test('merge an anonymous cart into the customer\'s active cart', async () => {
  const customer = (await api.customers().post({ body: { email: 'merge@shop.test', password: PASSWORD } }).execute()).body.customer;
  const mine = (await api.carts().post({
    body: { currency: 'EUR', customerId: customer.id, customLineItems: [item('socks', 500, 1)] },
  }).execute()).body;
  const anon = (await api.carts().post({
    body: { currency: 'EUR', anonymousId: 'device-7', customLineItems: [item('socks', 500, 3), item('hat', 2000, 1)] },
  }).execute()).body;
  const merged = await api.carts().customerIdWithCustomerIdValueMerge({ customerId: customer.id }).post({
    body: { anonymousCart: { typeId: 'cart', id: anon.id }, anonymousId: 'device-7', mergeMode: 'MergeWithExistingCustomerCart' },
  }).execute();
  assert.equal(merged.statusCode, 200);
  assert.equal(merged.body.id, mine.id);
  assert.equal(merged.body.totalPrice.centAmount, 3 * 500 + 2000);
  assert.equal((await api.carts().withId({ ID: anon.id }).get().execute()).body.cartState, 'Merged');
  const head = await api.carts().withCustomerId({ customerId: customer.id }).head().execute();
  assert.equal(head.statusCode, 200);
});

test('My Carts: a customer in a store and an anonymous session see only their own carts', async () => {
  await inStore('berlin').customers().post({ body: { email: 'me@berlin.test', password: PASSWORD } }).execute();
  const shopper = passwordFlowRoot(server, { ...front, username: 'me@berlin.test', password: PASSWORD, storeKey: 'berlin' });
  const created = await inStore('berlin', shopper).me().carts().post({ body: { currency: 'EUR', country: 'DE' } }).execute();
  assert.equal(created.statusCode, 201);
  assert.equal(created.body.store.key, 'berlin');
  const active = await inStore('berlin', shopper).me().activeCart().get().execute();
  assert.equal(active.body.id, created.body.id);
  const mine = await inStore('berlin', shopper).me().carts().get().execute();
  assert.deepEqual(mine.body.results.map((c) => c.id), [created.body.id]);

  const anon = anonymousRoot(server, { ...front, anonymousId: 'device-cart-1' });
  const own = (await anon.me().carts().post({ body: { currency: 'EUR' } }).execute()).body;
  assert.equal(own.anonymousId, 'device-cart-1');
  const theirs = await sdkError(() => anon.me().carts().withId({ ID: created.body.id }).get().execute());
  assert.equal(theirs.statusCode, 404);
  const updated = await anon.me().carts().withId({ ID: own.id }).post({
    body: { version: own.version, actions: [{ action: 'setCountry', country: 'AT' }] },
  }).execute();
  assert.equal(updated.body.country, 'AT');
  const deleted = await anon.me().carts().withId({ ID: own.id }).delete({ queryArgs: { version: updated.body.version } }).execute();
  assert.equal(deleted.body.id, own.id);
});
