// Customers through the official TypeScript SDK: project and in-store request builders,
// sign-up and sign-in, password and email tokens, error codes, and a store-scoped API client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, apiRoot, sdkError } from './harness.js';

let server;
let api;
before(async () => {
  server = await startServer();
  api = apiRoot(server);
  for (const key of ['luxury', 'outlet']) {
    await api.stores().post({ body: { key, name: { en: key } } }).execute();
  }
});
after(async () => server && server.stop());

const inStore = (storeKey) => api.inStoreKeyWithStoreKeyValue({ storeKey });

test('sign up, get by id and key, HEAD, query', async () => {
  const res = await api.customers().post({
    body: { email: 'Ann@Example.com', password: 'secret-1', key: 'ann', firstName: 'Ann',
      addresses: [{ country: 'DE', city: 'Berlin' }], defaultBillingAddress: 0 },
  }).execute();
  assert.equal(res.statusCode, 201);
  const c = res.body.customer;
  assert.equal(c.email, 'Ann@Example.com');
  assert.equal(c.version, 1);
  assert.deepEqual(c.stores, []);
  assert.equal(c.isEmailVerified, false);
  assert.equal(c.authenticationMode, 'Password');
  assert.equal(c.defaultBillingAddressId, c.addresses[0].id);
  assert.equal(res.body.cart, undefined);

  assert.equal((await api.customers().withId({ ID: c.id }).get().execute()).body.key, 'ann');
  assert.equal((await api.customers().withKey({ key: 'ann' }).get().execute()).body.id, c.id);
  assert.equal((await api.customers().withKey({ key: 'ann' }).head().execute()).statusCode, 200);
  const head = await api.customers().head({ queryArgs: { where: 'email = "Ann@Example.com"' } }).execute();
  assert.equal(head.statusCode, 200);
  const missing = await sdkError(() => api.customers().withKey({ key: 'nobody' }).head().execute());
  assert.equal(missing.statusCode, 404);

  const page = await api.customers().get({
    queryArgs: { where: 'firstName = "Ann"', sort: ['createdAt desc'], limit: 5, withTotal: true },
  }).execute();
  assert.equal(page.body.total, 1);
  assert.equal(page.body.results[0].id, c.id);
});

test('update, the version rule and the retrying middleware', async () => {
  const c = (await api.customers().post({ body: { email: 'upd@x.de', password: 'p' } }).execute()).body.customer;
  const u = await api.customers().withId({ ID: c.id }).post({
    body: { version: 1, actions: [
      { action: 'setFirstName', firstName: 'Una' },
      { action: 'setKey', key: 'una' },
      { action: 'addAddress', address: { country: 'AT', key: 'home' } },
    ] },
  }).execute();
  assert.equal(u.body.version, 2);
  assert.equal(u.body.firstName, 'Una');
  assert.equal(u.body.addresses[0].key, 'home');

  const stale = await sdkError(() => api.customers().withKey({ key: 'una' }).post({
    body: { version: 1, actions: [{ action: 'setLastName', lastName: 'X' }] },
  }).execute());
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.body.errors[0].code, 'ConcurrentModification');
  assert.equal(stale.body.errors[0].currentVersion, 2);

  const retrying = apiRoot(server, { concurrentModification: true });
  const r = await retrying.customers().withId({ ID: c.id }).post({
    body: { version: 1, actions: [{ action: 'setLastName', lastName: 'Retry' }] },
  }).execute();
  assert.equal(r.body.version, 3);
  assert.equal(r.body.lastName, 'Retry');

  const unknown = await sdkError(() => api.customers().withId({ ID: c.id }).post({
    body: { version: 3, actions: [{ action: 'fly' }] },
  }).execute());
  assert.equal(unknown.body.errors[0].code, 'InvalidJsonInput');
});

test('duplicates and delete', async () => {
  await api.customers().post({ body: { email: 'dup@x.de', password: 'p', key: 'dup' } }).execute();
  const dupEmail = await sdkError(() => api.customers().post({ body: { email: 'DUP@x.de', password: 'p' } }).execute());
  assert.equal(dupEmail.statusCode, 400);
  assert.equal(dupEmail.body.errors[0].code, 'DuplicateField');
  assert.equal(dupEmail.body.errors[0].field, 'email');
  const dupKey = await sdkError(() => api.customers().post({ body: { email: 'k@x.de', password: 'p', key: 'dup' } }).execute());
  assert.equal(dupKey.body.errors[0].field, 'key');

  const stale = await sdkError(() => api.customers().withKey({ key: 'dup' }).delete({ queryArgs: { version: 5 } }).execute());
  assert.equal(stale.statusCode, 409);
  const del = await api.customers().withKey({ key: 'dup' }).delete({ queryArgs: { version: 1, dataErasure: true } }).execute();
  assert.equal(del.body.email, 'dup@x.de');
  const gone = await sdkError(() => api.customers().withKey({ key: 'dup' }).get().execute());
  assert.equal(gone.statusCode, 404);
  assert.equal(gone.body.errors[0].code, 'ResourceNotFound');
});

test('sign-in: global and in-store, InvalidCredentials', async () => {
  await api.customers().post({ body: { email: 'global@x.de', password: 'g-pass' } }).execute();
  const lux = await inStore('luxury').customers().post({ body: { email: 'lux@x.de', password: 'l-pass' } }).execute();
  assert.equal(lux.statusCode, 201);
  assert.deepEqual(lux.body.customer.stores, [{ typeId: 'store', key: 'luxury' }]);

  const g = await api.login().post({ body: { email: 'GLOBAL@x.de', password: 'g-pass' } }).execute();
  assert.equal(g.statusCode, 200);
  assert.equal(g.body.customer.email, 'global@x.de');
  const l = await inStore('luxury').login().post({ body: { email: 'lux@x.de', password: 'l-pass' } }).execute();
  assert.equal(l.body.customer.id, lux.body.customer.id);
  const gInStore = await inStore('outlet').login().post({ body: { email: 'global@x.de', password: 'g-pass' } }).execute();
  assert.equal(gInStore.statusCode, 200, 'a global customer signs in at any store');

  for (const [root, email, password] of [
    [api, 'global@x.de', 'wrong'],
    [api, 'nobody@x.de', 'g-pass'],
    [api, 'lux@x.de', 'l-pass'],
    [inStore('outlet'), 'lux@x.de', 'l-pass'],
  ]) {
    const e = await sdkError(() => root.login().post({ body: { email, password } }).execute());
    assert.equal(e.statusCode, 400);
    assert.equal(e.body.errors[0].code, 'InvalidCredentials');
  }
});

test('in-store visibility: query, get and 404 across stores', async () => {
  const o = (await inStore('outlet').customers().post({ body: { email: 'out@x.de', password: 'p', key: 'out' } }).execute()).body.customer;
  const inOutlet = await inStore('outlet').customers().get({ queryArgs: { where: 'email = "out@x.de"' } }).execute();
  assert.equal(inOutlet.body.count, 1);
  const inLuxury = await inStore('luxury').customers().get({ queryArgs: { where: 'email = "out@x.de"' } }).execute();
  assert.equal(inLuxury.body.count, 0);
  assert.equal((await inStore('outlet').customers().withKey({ key: 'out' }).get().execute()).body.id, o.id);
  const cross = await sdkError(() => inStore('luxury').customers().withId({ ID: o.id }).get().execute());
  assert.equal(cross.statusCode, 404);
  const u = await inStore('outlet').customers().withKey({ key: 'out' }).post({
    body: { version: 1, actions: [{ action: 'setFirstName', firstName: 'O' }] },
  }).execute();
  assert.equal(u.body.version, 2);
  const noStore = await sdkError(() => inStore('nowhere').customers().get().execute());
  assert.equal(noStore.statusCode, 404);
  const del = await inStore('outlet').customers().withId({ ID: o.id }).delete({ queryArgs: { version: 2 } }).execute();
  assert.equal(del.body.id, o.id);
});

test('password change, reset token and reset', async () => {
  const c = (await inStore('luxury').customers().post({ body: { email: 'pw@x.de', password: 'old' } }).execute()).body.customer;
  const wrong = await sdkError(() => inStore('luxury').customers().password().post({
    body: { id: c.id, version: 1, currentPassword: 'nope', newPassword: 'new' },
  }).execute());
  assert.equal(wrong.body.errors[0].code, 'InvalidCurrentPassword');
  const changed = await inStore('luxury').customers().password().post({
    body: { id: c.id, version: 1, currentPassword: 'old', newPassword: 'new' },
  }).execute();
  assert.equal(changed.body.version, 2);

  const token = await inStore('luxury').customers().passwordToken().post({ body: { email: 'PW@x.de', ttlMinutes: 30 } }).execute();
  assert.equal(token.body.customerId, c.id);
  assert.equal(typeof token.body.value, 'string');
  assert.equal(typeof token.body.expiresAt, 'string');
  const byToken = await inStore('luxury').customers().withPasswordToken({ passwordToken: token.body.value }).get().execute();
  assert.equal(byToken.body.id, c.id);
  const elsewhere = await sdkError(() => inStore('outlet').customers().withPasswordToken({ passwordToken: token.body.value }).get().execute());
  assert.equal(elsewhere.statusCode, 404);
  const reset = await inStore('luxury').customers().passwordReset().post({
    body: { tokenValue: token.body.value, newPassword: 'reset' },
  }).execute();
  assert.equal(reset.body.version, 3);
  const again = await sdkError(() => api.customers().passwordReset().post({
    body: { tokenValue: token.body.value, newPassword: 'x' },
  }).execute());
  assert.equal(again.statusCode, 404);
  const signIn = await inStore('luxury').login().post({ body: { email: 'pw@x.de', password: 'reset' } }).execute();
  assert.equal(signIn.body.customer.id, c.id);
  const noEmail = await sdkError(() => api.customers().passwordToken().post({ body: { email: 'nobody@x.de' } }).execute());
  assert.equal(noEmail.statusCode, 404);
});

test('email token and confirmation', async () => {
  const c = (await api.customers().post({ body: { email: 'ev@x.de', password: 'p' } }).execute()).body.customer;
  const t = await api.customers().emailToken().post({ body: { id: c.id, ttlMinutes: 60 } }).execute();
  assert.equal(t.body.customerId, c.id);
  const byToken = await api.customers().withEmailToken({ emailToken: t.body.value }).get().execute();
  assert.equal(byToken.body.id, c.id);
  const inStoreToo = await inStore('outlet').customers().withEmailToken({ emailToken: t.body.value }).get().execute();
  assert.equal(inStoreToo.body.id, c.id, 'a global customer is visible in every store');
  const confirmed = await api.customers().emailConfirm().post({ body: { tokenValue: t.body.value } }).execute();
  assert.equal(confirmed.body.isEmailVerified, true);
  const used = await sdkError(() => inStore('outlet').customers().emailConfirm().post({ body: { tokenValue: t.body.value } }).execute());
  assert.equal(used.statusCode, 404);
  assert.equal(used.body.errors[0].code, 'ResourceNotFound');
});

test('a store-scoped API client works on its store only', async () => {
  const p = server.projectKey;
  const scope = `manage_customers:${p}:luxury`;
  const created = await api.apiClients().post({ body: { name: 'luxury back office', scope } }).execute();
  assert.equal(created.statusCode, 201);
  const scoped = apiRoot(server, {
    credentials: { clientId: created.body.id, clientSecret: created.body.secret },
    scopes: [scope],
  });
  const luxury = scoped.inStoreKeyWithStoreKeyValue({ storeKey: 'luxury' });
  const c = await luxury.customers().post({ body: { email: 'scoped@x.de', password: 'p' } }).execute();
  assert.equal(c.statusCode, 201);
  assert.equal(c.body.customer.createdBy.clientId, created.body.id);
  const page = await luxury.customers().get({ queryArgs: { where: 'email = "scoped@x.de"' } }).execute();
  assert.equal(page.body.count, 1);
  const login = await luxury.login().post({ body: { email: 'scoped@x.de', password: 'p' } }).execute();
  assert.equal(login.statusCode, 200);

  for (const call of [
    () => scoped.customers().get().execute(),
    () => scoped.customers().post({ body: { email: 'no@x.de', password: 'p' } }).execute(),
    () => scoped.login().post({ body: { email: 'scoped@x.de', password: 'p' } }).execute(),
    () => scoped.inStoreKeyWithStoreKeyValue({ storeKey: 'outlet' }).customers().get().execute(),
  ]) {
    const e = await sdkError(call);
    assert.equal(e.statusCode, 403);
    assert.equal(e.body.errors[0].code, 'insufficient_scope');
  }
});
