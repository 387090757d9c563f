// The console's entry point: sign-in and sign-out, the navigation (only the sections the
// token's scopes allow), and the hash router that renders one view at a time. Served at
// /admin/ and, with its GraphQL view only, at /{projectKey}/graphql.

import { h, mount, errorBox } from './dom.js';
import { apiClient, requestToken } from './api.js';
import { Grants, loadSession, saveSession, forgetSession } from './session.js';
import { actionForm, field, input, value } from './forms.js';
import * as project from './project.js';
import * as stores from './stores.js';
import * as customers from './customers.js';
import * as customer from './customer.js';
import * as clients from './clients.js';
import * as graphql from './graphql.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

/** On `/{projectKey}/graphql` the page is that endpoint's GraphQL console. */
const graphqlPage = /^\/([^/]+)\/graphql$/.exec(location.pathname);
const consoleHref = (route) => (graphqlPage ? `/admin/#${route}` : `#${route}`);

/** `[pattern, view, nav section]`; views get `(ctx, ...captures)`. */
const ROUTES = [
  [/^\/project$/, project.view, 'project'],
  [/^\/stores$/, stores.list, 'stores'],
  [/^\/stores\/([^/]+)$/, stores.detail, 'stores'],
  [/^\/customers$/, customers.list, 'customers'],
  [/^\/customers\/new$/, customers.create, 'customers'],
  [/^\/customers\/([^/]+)$/, (ctx, id) => customer.detail(ctx, id, null), 'customers'],
  [/^\/in-store\/([^/]+)\/customers\/([^/]+)$/, (ctx, s, id) => customer.detail(ctx, id, s), 'customers'],
  [/^\/clients$/, clients.list, 'clients'],
  [/^\/graphql$/, graphql.view, 'graphql'],
];

/** The sections a token may open, in navigation order. */
function sections(grants) {
  return [
    ['project', 'Project', grants.can('view_project_settings')],
    ['stores', 'Stores', grants.can('view_stores')],
    ['customers', 'Customers', grants.seesCustomers()],
    ['clients', 'API clients', grants.can('view_api_clients')],
    ['graphql', 'GraphQL', true],
  ].filter(([, , allowed]) => allowed);
}

let session = loadSession();
let renderCount = 0;
let notice = '';

function signOut(message = '') {
  forgetSession();
  session = null;
  notice = message;
  if (graphqlPage) render();
  else if (location.hash) location.hash = '';
  else render();
}

function expired() {
  signOut('Your session ended (the token expired or was revoked). Please sign in again.');
}

function signInView() {
  document.title = 'Sign in · storekeep';
  mount(nav);
  mount(who);
  const form = actionForm({
    submit: 'Sign in',
    async onSubmit(f) {
      const clientId = value(f, 'clientId') || '';
      const answer = await requestToken(clientId, f.elements.namedItem('secret').value);
      if (!new Grants(answer.scope).project) {
        throw new Error('This API client has no scope of a project; the console cannot use it.');
      }
      session = saveSession(clientId, answer);
      notice = '';
      render();
    },
  },
  field('Client ID', input('clientId', '', { required: true, autofocus: true })),
  field('Client secret', input('secret', '', { type: 'password', required: true, autocomplete: 'off' })));
  mount(main, h('section', { class: 'card signin' },
    h('h1', {}, 'Sign in to storekeep'),
    h('p', {}, 'Use an API client of your project: its id and secret. The console shows and does ' +
      'exactly what the client\'s scopes allow. The first start of storekeep prints an admin client.'),
    notice ? h('p', { class: 'notice' }, notice) : null,
    form));
}

function header(grants, active) {
  mount(nav, sections(grants).map(([id, label]) =>
    h('a', { href: consoleHref(`/${id}`), class: id === active ? 'active' : '' }, label)));
  mount(who,
    h('span', { class: 'project', title: session.scope }, `project ${grants.project}`),
    h('span', { class: 'client' }, `client ${session.clientId}`),
    h('button', { type: 'button', class: 'subtle small', id: 'signout', onclick: () => signOut() }, 'Sign out'));
}

/** Split `#/customers?store=x` into the path and its parameters. */
function route() {
  const raw = graphqlPage ? '/graphql' : location.hash.replace(/^#/, '') || '/';
  const [path, search] = raw.split('?');
  return { path: path.replace(/\/+$/, '') || '/', params: new URLSearchParams(search || '') };
}

async function render() {
  if (!session) return signInView();
  const grants = new Grants(session.scope);
  const api = apiClient(grants.project, session.token, expired);
  let { path, params } = route();
  if (path === '/') path = `/${sections(grants)[0][0]}`;
  const match = ROUTES.map(([re, view, section]) => [re.exec(path), view, section]).find(([m]) => m);
  const count = ++renderCount;
  const root = h('div', { class: 'view' });
  mount(main, root);
  if (!match) {
    header(grants, '');
    root.append(errorBox({ message: `There is no page ${path}.` }));
    return;
  }
  const [m, view, section] = match;
  header(grants, section);
  const ctx = {
    api, grants, params, root, project: grants.project, clientId: session.clientId,
    graphqlEndpoint: graphqlPage ? location.pathname : `/${grants.project}/graphql`,
    href: consoleHref,
    go: (r) => { location.hash = r; },
    reload: () => render(),
    title: (t) => { document.title = `${t} · storekeep`; },
    current: () => count === renderCount,
  };
  try {
    await view(ctx, ...m.slice(1).map(decodeURIComponent));
  } catch (err) {
    if (ctx.current()) root.append(errorBox(err, ctx.reload));
  }
}

window.addEventListener('hashchange', render);
render();
