// The Stores pages: the list (paged), creating a store, and one store's page to change its
// name, languages and countries or delete it. A store that customers or carts still
// reference cannot be deleted: the API's ReferenceExists error is shown as it comes.

import { h, add, heading, table, when, badge, facts, confirm, pager } from './dom.js';
import { byKey } from './api.js';
import { settings } from './project.js';
import {
  actionForm, actionButton, updateCard, field, input, listInput, readList, localizedInput, readLocalized,
  sameSet, value,
} from './forms.js';

const PAGE = 20;

/** Every store's key (for pickers), or `null` when the token may not list stores. */
export async function storeKeys(ctx) {
  if (!ctx.grants.can('view_stores')) return null;
  const page = await ctx.api.get('/stores', { limit: 500, sort: 'key asc' });
  return page.results.map((s) => s.key);
}

/** A LocalizedString in the first language that has a value. */
export function localized(value, languages = []) {
  if (!value) return '';
  for (const l of languages) if (value[l]) return value[l];
  return Object.values(value)[0] || '';
}

/** Do two LocalizedStrings hold the same values (in any key order)? */
const sameLocalized = (a, b) =>
  JSON.stringify(Object.entries(a || {}).sort()) === JSON.stringify(Object.entries(b || {}).sort());

const countryCodes = (store) => (store.countries || []).map((c) => c.code);

export async function list(ctx) {
  ctx.title('Stores');
  const offset = Math.max(0, Number(ctx.params.get('page') || 1) - 1) * PAGE;
  const [page, project] = await Promise.all([
    ctx.api.get('/stores', { limit: PAGE, offset, sort: 'key asc', withTotal: true }),
    settings(ctx),
  ]);
  if (!ctx.current()) return;
  const langs = project ? project.languages : [];
  add(ctx.root, 
    heading('Stores'),
    h('section', { class: 'card' },
      table([
        ['Key', (s) => h('a', { href: ctx.href(`/stores/${encodeURIComponent(s.key)}`) }, s.key)],
        ['Name', (s) => localized(s.name, langs)],
        ['Languages', (s) => (s.languages || []).map((l) => badge(l))],
        ['Countries', (s) => countryCodes(s).map((c) => badge(c))],
        ['Modified', (s) => when(s.lastModifiedAt)],
      ], page.results, 'No stores yet.'),
      pager(offset, PAGE, page.total, (n) => ctx.go(`/stores?page=${n}`))),
  );
  if (ctx.grants.can('manage_stores')) add(ctx.root, createForm(ctx, project));
}

function storeFields(project, store = {}) {
  const langs = project ? project.languages : [];
  return [
    field('Name', localizedInput('name', langs, store.name)),
    field('Languages', listInput('languages', langs, store.languages || [])),
    field('Countries', listInput('countries', project ? project.countries : [], countryCodes(store))),
  ];
}

function createForm(ctx, project) {
  return h('section', { class: 'card', id: 'new-store' }, h('h2', {}, 'New store'),
    actionForm({
      submit: 'Create store',
      async onSubmit(f) {
        const store = await ctx.api.post('/stores', {
          key: value(f, 'key'),
          name: readLocalized(f, 'name'),
          languages: readList(f, 'languages'),
          countries: readList(f, 'countries').map((code) => ({ code })),
        });
        ctx.go(`/stores/${encodeURIComponent(store.key)}`);
      },
    },
    field('Key', input('key', '', { required: true, pattern: '[A-Za-z0-9_-]{2,256}' }),
      '2–256 letters, digits, - or _; cannot be changed later'),
    storeFields(project)));
}

export async function detail(ctx, key) {
  ctx.title(`Store ${key}`);
  const [store, project] = await Promise.all([ctx.api.get(`/stores/${byKey(key)}`), settings(ctx)]);
  if (!ctx.current()) return;
  const langs = project ? project.languages : [];
  const slot = h('div', { class: 'slot' });
  const manage = ctx.grants.can('manage_stores');
  const remove = async () => {
    if (!(await confirm(`Delete store ${key}?`, 'The store is deleted for good.'))) return;
    await ctx.api.del(`/stores/${byKey(key)}`, { version: store.version });
    ctx.go('/stores');
  };
  add(ctx.root, 
    heading(`Store ${key}`, h('a', { href: ctx.href('/stores'), class: 'button subtle' }, 'All stores'),
      manage ? actionButton('Delete store', 'danger', slot, remove, ctx.reload) : null),
    slot,
    h('section', { class: 'card' }, facts([
      ['Key', h('code', {}, store.key)],
      ['Name', localized(store.name, langs)],
      ['Languages', (store.languages || []).map((l) => badge(l))],
      ['Countries', countryCodes(store).map((c) => badge(c))],
      ['ID', h('code', {}, store.id)],
      ['Version', String(store.version)],
      ['Created', when(store.createdAt)],
      ['Modified', when(store.lastModifiedAt)],
    ])),
  );
  if (manage) add(ctx.root, editForm(ctx, store, project));
}

function editForm(ctx, store, project) {
  const actionsOf = (f) => {
    const name = readLocalized(f, 'name');
    const languages = readList(f, 'languages');
    const countries = readList(f, 'countries');
    const actions = [];
    if (!sameLocalized(name, store.name)) actions.push({ action: 'setName', name });
    if (!sameSet(languages, store.languages)) actions.push({ action: 'setLanguages', languages });
    if (!sameSet(countries, countryCodes(store))) {
      actions.push({ action: 'setCountries', countries: countries.map((code) => ({ code })) });
    }
    return actions;
  };
  const path = `/stores/${byKey(store.key)}`;
  return updateCard(ctx, { title: 'Edit store', submit: 'Save store', path, version: store.version, actionsOf },
    storeFields(project, store));
}
