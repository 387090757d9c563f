// The GraphQL console (our own, offline replacement for GraphiQL): a query editor, variables,
// Run (or Ctrl+Enter), the answer pretty-printed with its errors listed readably, and the
// schema browser. Every request carries the signed-in client's token, so the API's own scope
// checks apply field by field. The editor's text stays in this tab's sessionStorage.

import { h, add, mount } from './dom.js';
import { docsPanel } from './schema.js';

const SAVED = 'storekeep.console.graphql';

/** A first query this token may run. */
function starter(ctx) {
  const head = '# Ctrl+Enter runs the query; "Docs" browses the schema.\n';
  if (ctx.grants.can('view_stores')) {
    return `${head}query Stores {\n  stores(limit: 10, sort: ["key asc"]) {\n    total\n    results { key name(locale: "en") languages }\n  }\n}\n`;
  }
  const store = ctx.grants.storesFor('view_customers')[0];
  if (ctx.grants.can('view_customers') || store) {
    const inner = '    customers(limit: 10) {\n      total\n      results { email firstName lastName stores { key } }\n    }\n';
    return store
      ? `${head}query StoreCustomers {\n  inStore(key: "${store}") {\n${inner}  }\n}\n`
      : `${head}query Customers {\n${inner.replace(/^ {2}/gm, '')}}\n`;
  }
  return `${head}query Schema {\n  __schema { queryType { name } }\n}\n`;
}

/** The operation to run when the document has several: the one around the cursor. */
export function operationAt(text, cursor) {
  const ops = [...text.matchAll(/\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g)];
  if (ops.length < 2) return undefined;
  const before = ops.filter((m) => m.index <= cursor);
  return (before.length ? before[before.length - 1] : ops[0])[1];
}

/** JSON as highlighted, indented text nodes (values set as text, never as HTML). */
export function jsonNodes(value, indent = '') {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (!value.length) return ['[]'];
    return ['[\n', value.map((v, i) => [inner, jsonNodes(v, inner), i < value.length - 1 ? ',\n' : '\n']), `${indent}]`];
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return ['{}'];
    return ['{\n', entries.map(([k, v], i) => [inner, h('span', { class: 'j-key' }, JSON.stringify(k)), ': ',
      jsonNodes(v, inner), i < entries.length - 1 ? ',\n' : '\n']), `${indent}}`];
  }
  const kind = value === null ? 'null' : typeof value;
  return [h('span', { class: `j-${kind}` }, JSON.stringify(value))];
}

/** The errors of a GraphQL answer, readably: message, path and code. */
function errorList(errors) {
  return h('ul', { class: 'error gql-errors', role: 'alert' }, errors.map((e) => h('li', {},
    e.extensions && e.extensions.code ? h('code', {}, e.extensions.code) : null, ' ', e.message,
    e.path ? h('span', { class: 'muted' }, ` at ${e.path.join('.')}`) : null)));
}

/** Insert two spaces for Tab (the editor is a plain textarea). */
function tabIndents(area) {
  area.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab' || e.shiftKey) return;
    e.preventDefault();
    area.setRangeText('  ', area.selectionStart, area.selectionEnd, 'end');
  });
}

export async function view(ctx) {
  ctx.title('GraphQL');
  const saved = JSON.parse(sessionStorage.getItem(SAVED) || 'null') || {};
  const area = (name, text, label) => h('textarea', {
    name, spellcheck: 'false', autocapitalize: 'off', 'aria-label': label, value: text,
  });
  const query = area('query', saved.query || starter(ctx), 'Query');
  const variables = area('variables', saved.variables || '', 'Variables (JSON)');
  const status = h('span', { class: 'status muted' }, `POST ${ctx.graphqlEndpoint}`);
  const output = h('pre', { class: 'result', id: 'result', 'aria-live': 'polite' });
  const problems = h('div', { class: 'slot' });
  const run = (request) => ctx.api.graphql(ctx.graphqlEndpoint, request);
  const docs = docsPanel(run);
  const layout = h('div', { class: 'gql' });
  const runButton = h('button', { type: 'button', class: 'primary', id: 'run' }, 'Run ▶');
  const docsButton = h('button', { type: 'button', class: 'subtle', 'aria-expanded': 'false' }, 'Docs');

  const save = () => sessionStorage.setItem(SAVED, JSON.stringify({ query: query.value, variables: variables.value }));
  query.addEventListener('input', save);
  variables.addEventListener('input', save);
  [query, variables].forEach(tabIndents);

  async function execute() {
    problems.replaceChildren();
    let vars;
    try {
      vars = variables.value.trim() ? JSON.parse(variables.value) : undefined;
    } catch (err) {
      problems.append(errorList([{ message: `The variables are not JSON: ${err.message}` }]));
      return;
    }
    runButton.disabled = true;
    const started = performance.now();
    try {
      const operationName = operationAt(query.value, query.selectionStart);
      const answer = await run({ query: query.value, variables: vars, operationName });
      status.textContent = `HTTP ${answer.status} · ${Math.round(performance.now() - started)} ms`;
      const errors = answer.body && Array.isArray(answer.body.errors) ? answer.body.errors : [];
      if (errors.length) problems.append(errorList(errors));
      mount(output, typeof answer.body === 'string' ? answer.body : jsonNodes(answer.body));
    } catch (err) {
      problems.append(errorList([{ message: `The request failed: ${err.message}` }]));
    } finally {
      runButton.disabled = false;
    }
  }

  runButton.addEventListener('click', execute);
  layout.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      execute();
    }
  });
  docsButton.addEventListener('click', () => {
    const open = layout.classList.toggle('with-docs');
    docsButton.setAttribute('aria-expanded', String(open));
    if (open) docs.load();
  });

  const wrongProject = !ctx.graphqlEndpoint.startsWith(`/${ctx.project}/`);
  add(ctx.root, 
    h('div', { class: 'heading' }, h('h1', {}, 'GraphQL'),
      h('div', { class: 'actions' }, status, docsButton, runButton)),
    wrongProject ? h('p', { class: 'notice' }, `This page is ${ctx.graphqlEndpoint}, but you are signed in to ` +
      `project ${ctx.project}: the server will refuse its token here.`) : null,
    h('p', { class: 'muted' }, `Requests carry the token of client ${ctx.clientId}; what they may read and change follows its scopes.`),
    problems,
    mount(layout,
      h('div', { class: 'editor' }, h('label', {}, 'Query'), query, h('label', {}, 'Variables (JSON)'), variables),
      h('div', { class: 'output' }, h('label', {}, 'Result'), output),
      docs.panel),
  );
}
