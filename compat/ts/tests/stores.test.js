// Stores through the official TypeScript SDK: request builders, types, errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, apiRoot, sdkError } from './harness.js';

let server;
let api;
before(async () => {
  server = await startServer();
  api = apiRoot(server);
});
after(async () => server && server.stop());

test('create, get by id and key, HEAD', async () => {
  const created = await api.stores().post({
    body: { key: 'berlin', name: { en: 'Berlin' }, languages: ['en'], countries: [{ code: 'DE' }] },
  }).execute();
  assert.equal(created.statusCode, 201);
  const s = created.body;
  assert.equal(s.key, 'berlin');
  assert.equal(s.version, 1);
  assert.deepEqual(s.name, { en: 'Berlin' });
  assert.deepEqual(s.countries, [{ code: 'DE' }]);
  assert.deepEqual(s.distributionChannels, []);
  assert.match(s.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  const byId = await api.stores().withId({ ID: s.id }).get().execute();
  assert.equal(byId.body.key, 'berlin');
  const byKey = await api.stores().withKey({ key: 'berlin' }).get().execute();
  assert.equal(byKey.body.id, s.id);
  const head = await api.stores().withKey({ key: 'berlin' }).head().execute();
  assert.equal(head.statusCode, 200);
});

test('query with where, sort, limit and total', async () => {
  for (const key of ['q-a', 'q-b', 'q-c']) {
    await api.stores().post({ body: { key, name: { en: key.toUpperCase() } } }).execute();
  }
  const res = await api.stores().get({
    queryArgs: { where: 'key in ("q-a", "q-b", "q-c")', sort: 'key desc', limit: 2, withTotal: true },
  }).execute();
  assert.equal(res.body.count, 2);
  assert.equal(res.body.total, 3);
  assert.equal(res.body.limit, 2);
  assert.deepEqual(res.body.results.map((r) => r.key), ['q-c', 'q-b']);
  const byVar = await api.stores().get({
    queryArgs: { where: 'name(en = :n)', 'var.n': 'Q-B' },
  }).execute();
  assert.deepEqual(byVar.body.results.map((r) => r.key), ['q-b']);
});

test('update actions and the version rule', async () => {
  const s = (await api.stores().post({ body: { key: 'upd' } }).execute()).body;
  const updated = await api.stores().withKey({ key: 'upd' }).post({
    body: { version: s.version, actions: [
      { action: 'setName', name: { en: 'Updated' } },
      { action: 'addCountry', country: { code: 'AT' } },
      { action: 'setLanguages', languages: ['en'] },
    ] },
  }).execute();
  assert.equal(updated.body.version, 2);
  assert.deepEqual(updated.body.name, { en: 'Updated' });
  assert.deepEqual(updated.body.countries, [{ code: 'AT' }]);

  const err = await sdkError(() => api.stores().withId({ ID: s.id }).post({
    body: { version: 1, actions: [{ action: 'setName', name: { en: 'stale' } }] },
  }).execute());
  assert.equal(err.statusCode, 409);
  assert.equal(err.body.errors[0].code, 'ConcurrentModification');
  assert.equal(err.body.errors[0].currentVersion, 2);
});

test('the concurrent-modification middleware retries with currentVersion', async () => {
  const retrying = apiRoot(server, { concurrentModification: true });
  const s = (await retrying.stores().post({ body: { key: 'retry' } }).execute()).body;
  await retrying.stores().withId({ ID: s.id }).post({
    body: { version: 1, actions: [{ action: 'setName', name: { en: 'one' } }] },
  }).execute();
  const res = await retrying.stores().withId({ ID: s.id }).post({
    body: { version: 1, actions: [{ action: 'setName', name: { en: 'two' } }] },
  }).execute();
  assert.equal(res.statusCode, 200);
  assert.equal(res.body.version, 3);
  assert.deepEqual(res.body.name, { en: 'two' });
});

test('errors: duplicate key, unknown store, bad predicate, bad JSON shape', async () => {
  await api.stores().post({ body: { key: 'dup' } }).execute();
  const dup = await sdkError(() => api.stores().post({ body: { key: 'dup' } }).execute());
  assert.equal(dup.statusCode, 400);
  assert.equal(dup.body.errors[0].code, 'DuplicateField');
  assert.equal(dup.body.errors[0].field, 'key');

  const missing = await sdkError(() => api.stores().withKey({ key: 'nope' }).get().execute());
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.body.errors[0].code, 'ResourceNotFound');

  const pred = await sdkError(() => api.stores().get({ queryArgs: { where: 'key = ' } }).execute());
  assert.equal(pred.statusCode, 400);
  assert.equal(pred.body.errors[0].code, 'InvalidInput');

  const badKey = await sdkError(() => api.stores().post({ body: { key: 'x' } }).execute());
  assert.equal(badKey.statusCode, 400);
  assert.equal(badKey.body.errors[0].code, 'InvalidInput');

  const unknownAction = await sdkError(() => api.stores().withKey({ key: 'dup' }).post({
    body: { version: 1, actions: [{ action: 'fly' }] },
  }).execute());
  assert.equal(unknownAction.statusCode, 400);
  assert.equal(unknownAction.body.errors[0].code, 'InvalidJsonInput');
});

test('delete with version', async () => {
  const s = (await api.stores().post({ body: { key: 'gone' } }).execute()).body;
  const stale = await sdkError(() => api.stores().withKey({ key: 'gone' }).delete({ queryArgs: { version: 7 } }).execute());
  assert.equal(stale.statusCode, 409);
  const del = await api.stores().withKey({ key: 'gone' }).delete({ queryArgs: { version: s.version } }).execute();
  assert.equal(del.body.id, s.id);
  const after = await sdkError(() => api.stores().withId({ ID: s.id }).get().execute());
  assert.equal(after.statusCode, 404);
});

test('project settings', async () => {
  const p = await api.get().execute();
  assert.equal(p.body.key, server.projectKey);
  assert.ok(Array.isArray(p.body.languages));
  const u = await api.post({
    body: { version: p.body.version, actions: [{ action: 'changeName', name: 'Compat' }] },
  }).execute();
  assert.equal(u.body.name, 'Compat');
  assert.equal(u.body.version, p.body.version + 1);
});
