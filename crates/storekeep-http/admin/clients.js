// The API clients page: the list (paged), a new client with the scope picker (its secret is
// shown once, as the API returns it only at creation), and deletion. Deleting a client
// revokes its tokens at once — the console's own client included, which signs it out.

import { h, add, heading, table, when, badge, pager, confirm, showOnce } from './dom.js';
import { storeKeys } from './stores.js';
import { scopePicker } from './scope-picker.js';
import { actionForm, actionButton, field, input, value } from './forms.js';

const PAGE = 20;

export async function list(ctx) {
  ctx.title('API clients');
  const offset = Math.max(0, Number(ctx.params.get('page') || 1) - 1) * PAGE;
  const page = await ctx.api.get('/api-clients', { limit: PAGE, offset, sort: 'createdAt desc', withTotal: true });
  if (!ctx.current()) return;
  const manage = ctx.grants.can('manage_api_clients');
  const slot = h('div', { class: 'slot' });
  const columns = [
    ['Name', (c) => c.name],
    ['Client ID', (c) => [h('code', {}, c.id), c.id === ctx.clientId ? [' ', badge('this console', 'global')] : null]],
    ['Scopes', (c) => h('span', { class: 'chips' }, c.scope.split(' ').map((s) => badge(s)))],
    ['Created', (c) => when(c.createdAt)],
    ['Last used', (c) => (c.lastUsedAt ? when(c.lastUsedAt) : '–')],
  ];
  if (manage) {
    columns.push(['', (c) => actionButton('Delete', 'danger small', slot, () => remove(ctx, c))]);
  }
  add(ctx.root, 
    heading('API clients'),
    slot,
    h('section', { class: 'card' }, table(columns, page.results, 'No API clients.'),
      pager(offset, PAGE, page.total, (n) => ctx.go(`/clients?page=${n}`))),
  );
  if (manage) add(ctx.root, await createForm(ctx));
}

async function remove(ctx, c) {
  const own = c.id === ctx.clientId ? ' This is the client the console is signed in with: you will be signed out.' : '';
  if (!(await confirm(`Delete API client ${c.name}?`, `Its tokens stop working at once.${own}`))) return;
  await ctx.api.del(`/api-clients/${encodeURIComponent(c.id)}`);
  ctx.reload();
}

async function createForm(ctx) {
  const stores = ctx.grants.can('view_stores') ? await storeKeys(ctx) : null;
  const picker = await scopePicker(ctx.project, stores);
  return h('section', { class: 'card', id: 'new-client' }, h('h2', {}, 'New API client'),
    actionForm({
      submit: 'Create API client',
      async onSubmit(f) {
        const scope = picker.read();
        if (!scope.length) throw new Error('Choose at least one scope.');
        const c = await ctx.api.post('/api-clients', { name: value(f, 'name'), scope: scope.join(' ') });
        await showOnce('New API client', [['Client ID', c.id], ['Client secret', c.secret], ['Scopes', c.scope]],
          'The secret is shown only now: storekeep keeps only its hash. Copy it to where the client runs.');
        ctx.reload();
      },
    },
    field('Name', input('name', '', { required: true })),
    field('Scopes', picker.element)));
}
