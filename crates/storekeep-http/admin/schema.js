// The GraphQL console's documentation browser: the schema from an introspection query (sent
// with the signed-in token, like every query), shown as the root types, every type with its
// fields, arguments, input fields and enum values, a search over type and field names, and
// links from each type reference to its type.

import { h, mount, errorBox } from './dom.js';

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';

/** The introspection query (GraphiQL's shape, with descriptions). */
export const INTROSPECTION = `query ConsoleIntrospection {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      kind name description
      fields(includeDeprecated: true) {
        name description isDeprecated
        args { name description defaultValue type { ${TYPE_REF} } }
        type { ${TYPE_REF} }
      }
      inputFields { name description defaultValue type { ${TYPE_REF} } }
      interfaces { name }
      possibleTypes { name }
      enumValues(includeDeprecated: true) { name description }
    }
  }
}`;

/**
 * A documentation panel. `load()` runs the introspection (through `run`, which returns the
 * GraphQL answer) the first time the panel is shown.
 */
export function docsPanel(run) {
  const body = h('div', { class: 'docs-body' }, h('p', { class: 'muted' }, 'Loading the schema…'));
  const search = h('input', { type: 'search', placeholder: 'Search types and fields', 'aria-label': 'Search the schema' });
  const panel = h('aside', { class: 'docs', id: 'docs', 'aria-label': 'Schema documentation' },
    h('h2', {}, 'Schema'), search, body);
  let schema = null;
  const stack = [];

  const typeLink = (name) => h('a', {
    href: '#', class: 'type',
    onclick: (e) => { e.preventDefault(); show(name); },
  }, name);

  const typeRef = (t) => {
    if (t.kind === 'NON_NULL') return [typeRef(t.ofType), '!'];
    if (t.kind === 'LIST') return ['[', typeRef(t.ofType), ']'];
    return typeLink(t.name);
  };

  const describe = (text) => (text ? h('p', { class: 'desc' }, text) : null);

  const fieldItem = (f) => h('li', {},
    h('code', {}, h('span', { class: 'field' }, f.name),
      f.args && f.args.length ? ['(', f.args.map((a, i) => [i ? ', ' : '', a.name, ': ', typeRef(a.type)]), ')'] : null,
      f.type ? [': ', typeRef(f.type)] : null,
      f.defaultValue != null ? ` = ${f.defaultValue}` : null),
    f.isDeprecated ? h('span', { class: 'badge badge-plain' }, 'deprecated') : null,
    describe(f.description));

  const back = () => (stack.length > 1 ? h('a', {
    href: '#', class: 'back',
    onclick: (e) => { e.preventDefault(); stack.pop(); render(stack[stack.length - 1]); },
  }, `‹ ${stack[stack.length - 2] || 'Schema'}`) : null);

  function typePage(t) {
    const list = (title, items, item) => (items && items.length
      ? [h('h3', {}, title), h('ul', { class: 'fields' }, items.map(item))] : null);
    return [
      h('h3', { class: 'type-title' }, `${t.kind.toLowerCase().replace('_', ' ')} `, h('strong', {}, t.name)),
      describe(t.description),
      list('Fields', t.fields, fieldItem),
      list('Input fields', t.inputFields, fieldItem),
      list('Values', t.enumValues, (v) => h('li', {}, h('code', {}, v.name), describe(v.description))),
      list('Implements', t.interfaces, (i) => h('li', {}, typeLink(i.name))),
      list('Possible types', t.possibleTypes, (i) => h('li', {}, typeLink(i.name))),
    ];
  }

  function rootPage() {
    const roots = [schema.queryType, schema.mutationType].filter(Boolean).map((r) => r.name);
    const others = schema.types.filter((t) => !t.name.startsWith('__') && !roots.includes(t.name))
      .map((t) => t.name).sort();
    return [
      h('h3', {}, 'Root types'),
      h('ul', { class: 'fields' }, roots.map((n) => h('li', {}, typeLink(n)))),
      h('h3', {}, 'All types'),
      h('ul', { class: 'fields columns' }, others.map((n) => h('li', {}, typeLink(n)))),
    ];
  }

  function searchPage(q) {
    const hits = [];
    for (const t of schema.types) {
      if (t.name.startsWith('__')) continue;
      if (t.name.toLowerCase().includes(q)) hits.push(h('li', {}, typeLink(t.name)));
      for (const f of t.fields || []) {
        if (f.name.toLowerCase().includes(q)) hits.push(h('li', {}, typeLink(t.name), '.', f.name, ': ', typeRef(f.type)));
      }
    }
    return hits.length ? h('ul', { class: 'fields' }, hits.slice(0, 200)) : h('p', { class: 'muted' }, 'No match.');
  }

  function render(name) {
    const t = name && schema.types.find((x) => x.name === name);
    mount(body, back(), t ? typePage(t) : rootPage());
  }

  function show(name) {
    search.value = '';
    stack.push(name);
    render(name);
  }

  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    if (q) mount(body, searchPage(q));
    else render(stack[stack.length - 1]);
  });

  async function load() {
    if (schema) return;
    try {
      const answer = await run({ query: INTROSPECTION, operationName: 'ConsoleIntrospection' });
      if (!answer.body || !answer.body.data) {
        const first = answer.body && answer.body.errors && answer.body.errors[0];
        throw new Error(first ? first.message : `HTTP ${answer.status}`);
      }
      schema = answer.body.data.__schema;
      stack.length = 0;
      stack.push(null);
      render(null);
    } catch (err) {
      mount(body, errorBox(err));
    }
  }

  return { panel, load };
}
