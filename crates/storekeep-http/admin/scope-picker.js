// The scope picker of the new-API-client form: every scope name the server knows (from
// /admin/assets/scopes.json, built from storekeep's own scope table), each project-wide or —
// for names with a store-scoped form — for chosen stores only (`manage_customers:{p}:{store}`).
// The common scopes come first; the rest are behind "All scopes".

import { h } from './dom.js';
import { input, splitList } from './forms.js';

const COMMON = [
  'manage_project', 'view_project', 'manage_project_settings', 'view_project_settings',
  'manage_stores', 'view_stores', 'manage_customers', 'view_customers',
  'manage_api_clients', 'view_api_clients', 'manage_orders', 'view_orders',
  'manage_my_profile', 'manage_my_orders', 'create_anonymous_token', 'introspect_oauth_tokens',
];

let known = null;

/** The scope names (`[{name, store}]`), fetched once. */
async function scopeNames() {
  if (!known) {
    const res = await fetch('/admin/assets/scopes.json', { credentials: 'omit' });
    known = await res.json();
  }
  return known;
}

function row(project, scope, stores, onChange) {
  const wide = h('input', { type: 'checkbox', 'data-scope': `${scope.name}:${project}`, onchange: onChange });
  let perStore = h('span', { class: 'muted' }, 'project-wide only');
  if (scope.store && stores) {
    perStore = h('span', { class: 'checks' }, stores.map((s) => h('label', {},
      h('input', { type: 'checkbox', 'data-scope': `${scope.name}:${project}:${s}`, onchange: onChange }), s)));
  } else if (scope.store) {
    perStore = input(`stores-${scope.name}`, '', {
      placeholder: 'store keys, comma-separated', 'data-store-scope': `${scope.name}:${project}`, oninput: onChange,
    });
  }
  return h('tr', {}, h('td', {}, h('label', {}, wide, h('code', {}, scope.name))), h('td', {}, perStore));
}

/**
 * The picker for `project`; `stores` are the store keys to offer (`null`: typed keys).
 * Returns `{element, read}`; `read()` gives the chosen scopes (a project-wide scope makes its
 * store-scoped forms redundant, so they are dropped).
 */
export async function scopePicker(project, stores) {
  const names = await scopeNames();
  const preview = h('output', { class: 'preview' });
  const element = h('div', { class: 'scope-picker' });
  const read = () => {
    const chosen = [...element.querySelectorAll('input[data-scope]:checked')].map((i) => i.dataset.scope);
    for (const el of element.querySelectorAll('input[data-store-scope]')) {
      for (const s of splitList(el.value)) chosen.push(`${el.dataset.storeScope}:${s}`);
    }
    const wide = new Set(chosen.filter((s) => s.split(':').length === 2));
    return chosen.filter((s) => {
      const [name, p, store] = s.split(':');
      return !store || !wide.has(`${name}:${p}`);
    });
  };
  const update = () => {
    const scopes = read();
    preview.textContent = scopes.length ? scopes.join(' ') : 'no scope chosen yet';
  };
  const rows = (list) => h('table', { class: 'scopes' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Project-wide'), h('th', {}, 'Or only in stores'))),
    h('tbody', {}, list.map((s) => row(project, s, stores, update))));
  const common = COMMON.map((n) => names.find((s) => s.name === n)).filter(Boolean);
  const rest = names.filter((s) => !COMMON.includes(s.name));
  element.append(rows(common),
    h('details', {}, h('summary', {}, `All scopes (${rest.length} more)`), rows(rest)),
    h('p', {}, 'Scope: ', preview));
  update();
  return { element, read };
}
