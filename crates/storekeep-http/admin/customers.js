// The Customers list (paged, searched by email, name or key, filtered by store) and the form
// that creates a customer in a store. A client with project-wide `view_customers` queries
// `/customers` and filters by the `stores` field; a client with store-scoped scopes only uses
// the in-store endpoints of its stores, which show that store's customers and the global ones
// (decisions.md D1) — exactly what the API lets it see.

import { h, add, heading, table, when, badge, pager } from './dom.js';
import { byKey } from './api.js';
import { storeKeys } from './stores.js';
import { actionForm, field, input, value } from './forms.js';

const PAGE = 20;
/** The filter value for global customers (`~` cannot appear in a store key). */
const GLOBAL = '~global';

/** "Global" or "Store-specific" with the customer's stores. */
export function scopeBadge(c) {
  const stores = (c.stores || []).map((s) => s.key);
  if (!stores.length) return badge('Global', 'global');
  return h('span', { class: 'chips' }, badge('Store-specific', 'store'), stores.map((k) => badge(k)));
}

/** The full name, or a dash. */
export const fullName = (c) => [c.firstName, c.lastName].filter(Boolean).join(' ') || '–';

/** A predicate string literal. */
const lit = (s) => JSON.stringify(s);

/** The `where` predicate of a search text: the email (as typed or lower-cased), key, names. */
function searchPredicate(q) {
  const emails = [...new Set([q, q.toLowerCase()])].map(lit).join(', ');
  const parts = [`email in (${emails})`, `key = ${lit(q)}`, `firstName = ${lit(q)}`, `lastName = ${lit(q)}`];
  const words = q.split(/\s+/);
  if (words.length === 2) parts.push(`(firstName = ${lit(words[0])} and lastName = ${lit(words[1])})`);
  return parts.join(' or ');
}

/** Where the list reads from: the project endpoint or one store's, and the store filter. */
async function source(ctx) {
  const chosen = ctx.params.get('store') || '';
  if (ctx.grants.can('view_customers')) {
    const keys = (await storeKeys(ctx)) || [];
    const options = [['', 'All customers'], [GLOBAL, 'Global customers'],
      ...keys.map((k) => [k, `Assigned to store ${k}`])];
    if (chosen && !keys.includes(chosen) && chosen !== GLOBAL) options.push([chosen, `Assigned to store ${chosen}`]);
    let filter = null;
    if (chosen === GLOBAL) filter = 'stores is empty';
    else if (chosen) filter = `stores(key = ${lit(chosen)})`;
    return { path: '/customers', store: null, chosen, options, filter };
  }
  const keys = ctx.grants.storesFor('view_customers');
  const store = keys.includes(chosen) ? chosen : keys[0];
  const options = keys.map((k) => [k, `Visible in store ${k} (its own and global customers)`]);
  return { path: `/in-store/${byKey(store)}/customers`, store, chosen: store, options, filter: null };
}

/** The route of a customer's page (in-store for store-scoped clients). */
export function customerRoute(id, store) {
  return store ? `/in-store/${encodeURIComponent(store)}/customers/${id}` : `/customers/${id}`;
}

function searchForm(ctx, src, q) {
  const select = h('select', { name: 'store' }, src.options.map(([v, label]) =>
    h('option', { value: v, selected: v === src.chosen }, label)));
  const form = h('form', { class: 'search', role: 'search' },
    input('q', q, { type: 'search', placeholder: 'Email, first or last name, or key', 'aria-label': 'Search' }),
    select,
    h('button', { type: 'submit', class: 'primary' }, 'Search'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (value(form, 'q')) p.set('q', value(form, 'q'));
    if (select.value) p.set('store', select.value);
    ctx.go(`/customers?${p}`);
  });
  return form;
}

export async function list(ctx) {
  ctx.title('Customers');
  const src = await source(ctx);
  const q = (ctx.params.get('q') || '').trim();
  const offset = Math.max(0, Number(ctx.params.get('page') || 1) - 1) * PAGE;
  const where = [q && `(${searchPredicate(q)})`, src.filter && `(${src.filter})`].filter(Boolean);
  const page = await ctx.api.get(src.path, {
    where: where.join(' and '), limit: PAGE, offset, sort: 'createdAt desc', withTotal: true,
  });
  if (!ctx.current()) return;
  const canCreate = ctx.grants.can('manage_customers') || ctx.grants.storesFor('manage_customers').length;
  const preset = src.chosen && src.chosen !== GLOBAL ? src.chosen : '';
  const newRoute = preset ? `/customers/new?store=${encodeURIComponent(preset)}` : '/customers/new';
  const toPage = (n) => {
    const p = new URLSearchParams(ctx.params);
    p.set('page', n);
    ctx.go(`/customers?${p}`);
  };
  add(ctx.root, 
    heading('Customers', canCreate ? h('a', { href: ctx.href(newRoute), class: 'button primary' }, 'New customer') : null),
    searchForm(ctx, src, q),
    h('section', { class: 'card' },
      table([
        ['Email', (c) => h('a', { href: ctx.href(customerRoute(c.id, src.store)) }, c.email)],
        ['Name', fullName],
        ['Key', (c) => (c.key ? h('code', {}, c.key) : '–')],
        ['Stores', scopeBadge],
        ['Created', (c) => when(c.createdAt)],
      ], page.results, q ? `No customer matches “${q}”.` : 'No customers yet.'),
      pager(offset, PAGE, page.total, toPage)),
  );
}

/** The stores a new customer may be created in, and whether "global" is allowed. */
async function creatableIn(ctx) {
  if (ctx.grants.can('manage_customers')) return { global: true, stores: await storeKeys(ctx) };
  return { global: false, stores: ctx.grants.storesFor('manage_customers') };
}

export async function create(ctx) {
  ctx.title('New customer');
  const where = await creatableIn(ctx);
  if (!ctx.current()) return;
  const preset = ctx.params.get('store') || '';
  let storeControl;
  if (where.stores) {
    const options = [...(where.global ? [['', 'None: a global customer']] : []),
      ...where.stores.map((k) => [k, `Store ${k}`])];
    storeControl = h('select', { name: 'store' }, options.map(([v, label]) =>
      h('option', { value: v, selected: v === preset }, label)));
  } else {
    storeControl = input('store', preset, { placeholder: 'store key; empty for a global customer' });
  }
  const form = actionForm({
    submit: 'Create customer',
    async onSubmit(f) {
      const store = value(f, 'store');
      const draft = {
        email: value(f, 'email'),
        password: f.elements.namedItem('password').value,
        firstName: value(f, 'firstName'),
        lastName: value(f, 'lastName'),
        key: value(f, 'key'),
      };
      const path = store ? `/in-store/${byKey(store)}/customers` : '/customers';
      const { customer } = await ctx.api.post(path, draft);
      const scoped = !ctx.grants.can('manage_customers');
      ctx.go(customerRoute(customer.id, scoped ? store : null));
    },
  },
  field('Store', storeControl, 'The customer signs in through this store; global customers in every store.'),
  field('Email', input('email', '', { type: 'email', required: true })),
  field('Password', input('password', '', { type: 'password', required: true, autocomplete: 'new-password' })),
  h('div', { class: 'row' },
    field('First name', input('firstName')),
    field('Last name', input('lastName'))),
  field('Key', input('key'), 'Optional; 2–256 letters, digits, - or _'));
  add(ctx.root, heading('New customer', h('a', { href: ctx.href('/customers'), class: 'button subtle' }, 'All customers')),
    h('section', { class: 'card' }, form));
}
