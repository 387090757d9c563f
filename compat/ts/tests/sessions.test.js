// Customer sessions through the official TypeScript SDK's auth middlewares: the password flow
// in a store (custom `oauthUri`) and project-wide, the anonymous session flow with sign-up and
// sign-in, and the refresh-token flow — exactly the requests the SDK sends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, apiRoot, sdkError, memoryTokenCache, recordingFetch,
  passwordFlowRoot, anonymousRoot, refreshTokenRoot,
} from './harness.js';

const PASSWORD = 'Pa55 w&rd!';
let server;
let admin;
let front; // the storefront API client: { clientId, clientSecret }

before(async () => {
  server = await startServer();
  admin = apiRoot(server);
  const p = server.projectKey;
  for (const key of ['berlin', 'paris']) {
    await admin.stores().post({ body: { key, name: { en: key } } }).execute();
  }
  const created = await admin.apiClients().post({
    body: {
      name: 'storefront',
      scope: `manage_my_profile:${p} manage_my_orders:${p} create_anonymous_token:${p} view_published_products:${p}`,
    },
  }).execute();
  front = { clientId: created.body.id, clientSecret: created.body.secret };
  await admin.inStoreKeyWithStoreKeyValue({ storeKey: 'berlin' }).customers().post({
    body: { email: 'Shopper@Berlin.test', password: PASSWORD, firstName: 'Bea' },
  }).execute();
  await admin.customers().post({ body: { email: 'global@shop.test', password: PASSWORD } }).execute();
});
after(async () => server && server.stop());

const berlin = (api) => api.inStoreKeyWithStoreKeyValue({ storeKey: 'berlin' });

test('in-store password flow: log in through the store and read /in-store/key=berlin/me', async () => {
  const spy = recordingFetch();
  const api = passwordFlowRoot(server, {
    ...front, username: 'shopper@berlin.test', password: PASSWORD, storeKey: 'berlin', httpClient: spy.fetch,
  });
  const me = await berlin(api).me().get().execute();
  assert.equal(me.statusCode, 200);
  assert.equal(me.body.email, 'Shopper@Berlin.test');
  assert.equal(me.body.firstName, 'Bea');
  assert.deepEqual(me.body.stores, [{ typeId: 'store', key: 'berlin' }]);

  const tokenCalls = spy.calls.filter((c) => c.url.includes('/oauth/'));
  assert.equal(tokenCalls.length, 1);
  assert.ok(tokenCalls[0].url.endsWith(`/oauth/${server.projectKey}/in-store/key=berlin/customers/token`));
  assert.match(tokenCalls[0].body, /^grant_type=password&username=/);

  // The token reaches only its store's My endpoints.
  for (const call of [() => api.me().get().execute(),
    () => api.inStoreKeyWithStoreKeyValue({ storeKey: 'paris' }).me().get().execute(),
    () => api.customers().get().execute()]) {
    const e = await sdkError(call);
    assert.equal(e.statusCode, 403);
  }

  // Update the profile with a My action; a non-My action is refused.
  const updated = await berlin(api).me().post({
    body: { version: me.body.version, actions: [{ action: 'setLastName', lastName: 'Bauer' }] },
  }).execute();
  assert.equal(updated.body.lastName, 'Bauer');
  const bad = await sdkError(() => berlin(api).me().post({
    body: { version: updated.body.version, actions: [{ action: 'setKey', key: 'x' }] },
  }).execute());
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.body.errors[0].code, 'InvalidJsonInput');
});

test('password flow errors surface as SDK errors', async () => {
  // A store customer cannot sign in project-wide, nor with a wrong password.
  for (const [username, password, storeKey] of [
    ['shopper@berlin.test', PASSWORD, undefined],
    ['shopper@berlin.test', 'wrong', 'berlin'],
    ['shopper@berlin.test', PASSWORD, 'paris'],
  ]) {
    const api = passwordFlowRoot(server, { ...front, username, password, storeKey });
    const e = await sdkError(() => api.me().get().execute());
    assert.equal(e.statusCode, 400);
    assert.equal(e.code, 'invalid_customer_account_credentials');
  }
  const api = passwordFlowRoot(server, {
    clientId: front.clientId, clientSecret: 'not-the-secret', username: 'global@shop.test', password: PASSWORD,
  });
  const e = await sdkError(() => api.me().get().execute());
  assert.equal(e.statusCode, 401);
  assert.equal(e.code, 'invalid_client');
});

test('project-wide password flow with requested scopes, and the refresh-token middleware', async () => {
  const p = server.projectKey;
  const cache = memoryTokenCache();
  const api = passwordFlowRoot(server, {
    ...front, username: 'GLOBAL@shop.test', password: PASSWORD, tokenCache: cache,
    scopes: [`manage_my_profile:${p}`, `manage_my_orders:${p}`],
  });
  const me = await api.me().get().execute();
  assert.equal(me.body.email, 'global@shop.test');
  const { refreshToken, token } = cache.get();
  assert.ok(refreshToken, 'the password flow returns a refresh token');

  // The SDK's refresh-token middleware at /oauth/token, and at the flow's own URI.
  for (const oauthUri of [undefined, `/oauth/${p}/customers/token`]) {
    const spy = recordingFetch();
    const refreshed = refreshTokenRoot(server, { ...front, refreshToken, oauthUri, httpClient: spy.fetch });
    const again = await refreshed.me().get().execute();
    assert.equal(again.body.id, me.body.id);
    const call = spy.calls.find((c) => c.url.includes('/oauth/'));
    assert.match(call.body, /^grant_type=refresh_token&refresh_token=/);
  }
  assert.ok(token);

  // An unknown refresh token is refused.
  const stale = refreshTokenRoot(server, { ...front, refreshToken: 'no-such-refresh-token' });
  const e = await sdkError(() => stale.me().get().execute());
  assert.equal(e.statusCode, 400);
  assert.equal(e.code, 'invalid_grant');
});

test('anonymous session: sign up in a store, then sign in', async () => {
  const spy = recordingFetch();
  const anon = anonymousRoot(server, { ...front, anonymousId: 'device-0001', httpClient: spy.fetch });
  const signup = await berlin(anon).me().signup().post({
    body: { email: 'new@berlin.test', password: PASSWORD },
  }).execute();
  assert.equal(signup.statusCode, 201);
  assert.deepEqual(signup.body.customer.stores, [{ typeId: 'store', key: 'berlin' }]);
  const tokenCall = spy.calls.find((c) => c.url.includes('/oauth/'));
  assert.ok(tokenCall.url.endsWith(`/oauth/${server.projectKey}/anonymous/token`));
  assert.match(tokenCall.body, /anonymous_id=device-0001/);

  const signin = await berlin(anon).me().login().post({
    body: { email: 'NEW@berlin.test', password: PASSWORD },
  }).execute();
  assert.equal(signin.statusCode, 200);
  assert.equal(signin.body.customer.id, signup.body.customer.id);
  const wrong = await sdkError(() => berlin(anon).me().login().post({
    body: { email: 'new@berlin.test', password: 'wrong' },
  }).execute());
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.body.errors[0].code, 'InvalidCredentials');

  // An anonymous session has no customer: /me is refused.
  const me = await sdkError(() => anon.me().get().execute());
  assert.equal(me.statusCode, 403);

  // The same anonymous id cannot start a second session.
  const again = anonymousRoot(server, { ...front, anonymousId: 'device-0001' });
  const inUse = await sdkError(() => again.me().signup().post({
    body: { email: 'other@berlin.test', password: PASSWORD },
  }).execute());
  assert.equal(inUse.statusCode, 400);
  assert.equal(inUse.code, 'AnonymousIdAlreadyInUse');
});
