// One customer's page: facts, addresses and stores; for a client that may manage the customer,
// editing the names, assigning and removing stores, a password-reset token (shown once) and
// deletion. A store-scoped client works through `/in-store/key={store}/customers/{id}` and is
// offered only its own stores.

import { h, add, heading, facts, when, badge, table, confirm, showOnce } from './dom.js';
import { byKey } from './api.js';
import { storeKeys } from './stores.js';
import { scopeBadge, fullName } from './customers.js';
import { actionForm, actionButton, updateCard, field, input, value } from './forms.js';

/** The name fields the page edits, with their update actions. */
const NAMES = [
  ['firstName', 'First name', 'setFirstName'],
  ['middleName', 'Middle name', 'setMiddleName'],
  ['lastName', 'Last name', 'setLastName'],
  ['title', 'Title', 'setTitle'],
];

export async function detail(ctx, id, store) {
  const prefix = store ? `/in-store/${byKey(store)}` : '';
  const path = `${prefix}/customers/${encodeURIComponent(id)}`;
  const manage = ctx.grants.can('manage_customers', store);
  const c = await ctx.api.get(path);
  if (!ctx.current()) return;
  ctx.title(c.email);
  const slot = h('div', { class: 'slot' });
  const actions = manage ? [
    actionButton('Password-reset token', 'subtle', slot, () => resetToken(ctx, store, c)),
    actionButton('Delete customer', 'danger', slot, () => remove(ctx, path, c), ctx.reload),
  ] : [];
  add(ctx.root, 
    heading(c.email, h('a', { href: ctx.href('/customers'), class: 'button subtle' }, 'All customers'), actions),
    slot,
    h('section', { class: 'card' }, facts([
      ['Email', c.email],
      ['Name', fullName(c)],
      ['Key', c.key ? h('code', {}, c.key) : null],
      ['Customer number', c.customerNumber],
      ['Stores', scopeBadge(c)],
      ['Email verified', c.isEmailVerified ? 'yes' : 'no'],
      ['Authentication', c.authenticationMode || 'Password'],
      ['ID', h('code', {}, c.id)],
      ['Version', String(c.version)],
      ['Created', when(c.createdAt)],
      ['Modified', when(c.lastModifiedAt)],
    ])),
    addresses(c),
    await storesCard(ctx, path, c, store, manage),
    manage ? namesForm(ctx, path, c) : null,
  );
}

function addresses(c) {
  const mark = (a) => [
    a.id === c.defaultShippingAddressId ? badge('default shipping', 'store') : null,
    a.id === c.defaultBillingAddressId ? badge('default billing', 'store') : null,
  ];
  const street = (a) => [a.streetName, a.streetNumber].filter(Boolean).join(' ') || '–';
  return h('section', { class: 'card' }, h('h2', {}, 'Addresses'),
    table([
      ['Name', (a) => [a.firstName, a.lastName].filter(Boolean).join(' ') || a.company || '–'],
      ['Street', street],
      ['Postal code', (a) => a.postalCode || '–'],
      ['City', (a) => a.city || '–'],
      ['Country', (a) => a.country],
      ['', mark],
    ], c.addresses || [], 'No addresses.'));
}

/** The stores this client may assign (or `null`: any key, typed). */
async function assignable(ctx) {
  if (ctx.grants.can('manage_customers')) return storeKeys(ctx);
  return ctx.grants.storesFor('manage_customers');
}

async function storesCard(ctx, path, c, store, manage) {
  const current = (c.stores || []).map((s) => s.key);
  const slot = h('div', { class: 'slot' });
  const mayTouch = (k) => ctx.grants.can('manage_customers', k);
  const update = (action) => async () => {
    await ctx.api.update(path, c.version, [action]);
    ctx.reload();
  };
  const rows = current.map((k) => h('li', {}, badge(k),
    manage && mayTouch(k) ? actionButton('Remove', 'subtle small', slot,
      update({ action: 'removeStore', store: { typeId: 'store', key: k } }), ctx.reload) : null));
  const card = h('section', { class: 'card', id: 'customer-stores' }, h('h2', {}, 'Stores'),
    h('p', {}, current.length
      ? 'A store-specific customer signs in only through these stores.'
      : 'A global customer: no store; visible and able to sign in in every store.'),
    h('ul', { class: 'store-list' }, rows), slot);
  if (!manage) return card;
  const choices = await assignable(ctx);
  const free = choices ? choices.filter((k) => !current.includes(k)) : null;
  if (free && !free.length) return card;
  const control = free
    ? h('select', { name: 'store' }, free.map((k) => h('option', { value: k }, k)))
    : input('store', '', { placeholder: 'store key' });
  card.append(actionForm({
    submit: 'Assign store',
    cls: 'inline',
    onReload: ctx.reload,
    onSubmit: (f) => update({ action: 'addStore', store: { typeId: 'store', key: value(f, 'store') } })(),
  }, field('Assign to store', control)));
  return card;
}

function namesForm(ctx, path, c) {
  const actionsOf = (f) => NAMES
    .filter(([name]) => (value(f, name) || '') !== (c[name] || ''))
    .map(([name, , action]) => ({ action, [name]: value(f, name) }));
  return updateCard(ctx, { title: 'Edit names', submit: 'Save names', path, version: c.version, actionsOf },
    h('div', { class: 'row' }, NAMES.map(([name, label]) => field(label, input(name, c[name])))));
}

/**
 * A password-reset token, shown once. The project endpoint finds global customers only; a
 * store-specific customer's token comes from a store of theirs (the page's store if any).
 */
async function resetToken(ctx, store, c) {
  const via = store || ((c.stores || [])[0] || {}).key;
  const prefix = via ? `/in-store/${byKey(via)}` : '';
  const t = await ctx.api.post(`${prefix}/customers/password-token`, { email: c.email });
  await showOnce('Password-reset token', [['Token', t.value], ['Expires', t.expiresAt]],
    'This token is shown only now. Give it to the customer to set a new password ' +
    `(POST ${prefix}/customers/password/reset with tokenValue and newPassword).`);
}

async function remove(ctx, path, c) {
  if (!(await confirm(`Delete ${c.email}?`, 'The customer, their tokens and sessions are deleted for good.'))) return;
  await ctx.api.del(path, { version: c.version });
  ctx.go('/customers');
}
