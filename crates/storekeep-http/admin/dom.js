// Small DOM helpers: element building (text is always set as text, never parsed as HTML, so
// data from the API cannot inject markup), tables, badges, readable API errors and the modal
// dialog used for confirmations and one-time secrets.

/** Build an element: `h('button', {class: 'primary', onclick: f}, 'Save')`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'value' || name === 'checked') {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Append children (skipping `null`, `false` and `undefined`; arrays flattened). */
export function add(el, ...children) {
  append(el, children);
  return el;
}

/** Replace an element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A page heading with optional actions on the right. */
export function heading(title, ...actions) {
  return h('div', { class: 'heading' }, h('h1', {}, title), h('div', { class: 'actions' }, actions));
}

/** A coloured label. */
export function badge(text, kind = 'plain') {
  return h('span', { class: `badge badge-${kind}` }, text);
}

/** A date-time in the reader's locale (the ISO text as a tooltip); a date as it is. */
export function when(iso) {
  if (!iso) return '–';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return h('time', { datetime: iso }, iso);
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, isNaN(d) ? iso : d.toLocaleString());
}

/** A table: `columns` are `[title, row => cell]`; `rows` any values. */
export function table(columns, rows, empty = 'Nothing here yet.') {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map(([title]) => h('th', {}, title)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(row)))))));
}

/** A definition list of `[label, value]` pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '–')]));
}

/**
 * An API error as people read it: the message, then each error's code, field and details.
 * A 409 (a stale version) offers to reload the page's data.
 */
export function errorBox(err, onReload) {
  const box = h('div', { class: 'error', role: 'alert' });
  const title = err.status ? `${err.status} · ${err.message}` : err.message;
  box.append(h('strong', {}, title || 'Something went wrong.'));
  const items = (err.errors || []).map((e) => h('li', {}, errorLine(e)));
  if (items.length) box.append(h('ul', {}, items));
  if (err.status === 409 && onReload) {
    box.append(h('p', {}, 'Someone changed this in the meantime. ',
      h('button', { type: 'button', class: 'subtle', onclick: onReload }, 'Reload the latest version')));
  }
  return box;
}

function errorLine(e) {
  const parts = [h('code', {}, e.code || 'Error')];
  if (e.field) parts.push(' field ', h('code', {}, e.field));
  if (e.message) parts.push(' — ', e.message);
  if (e.duplicateValue !== undefined) parts.push(` (value ${JSON.stringify(e.duplicateValue)})`);
  if (e.referencedBy) parts.push(` (referenced by ${e.referencedBy})`);
  if (e.detailedErrorMessage) parts.push(h('div', { class: 'detail' }, e.detailedErrorMessage));
  return parts;
}

/** Run `work`; show its error in `slot` (cleared first). Returns whether it succeeded. */
export async function attempt(slot, work, onReload) {
  slot.replaceChildren();
  try {
    await work();
    return true;
  } catch (err) {
    slot.append(errorBox(err, onReload));
    return false;
  }
}

/**
 * Show the modal dialog with a title, body and buttons `[label, value, class]`; resolves to
 * the value of the button pressed (`undefined` on Escape).
 */
export function dialog(title, body, buttons) {
  const dlg = document.getElementById('dialog');
  return new Promise((resolve) => {
    const done = (value) => {
      dlg.close();
      resolve(value);
    };
    mount(dlg,
      h('h2', {}, title),
      h('div', { class: 'dialog-body' }, body),
      h('div', { class: 'actions' }, buttons.map(([label, value, cls]) =>
        h('button', { type: 'button', class: cls || '', onclick: () => done(value) }, label))));
    dlg.oncancel = () => resolve(undefined);
    dlg.showModal();
  });
}

/** Ask before a destructive action. */
export function confirm(title, text, label = 'Delete') {
  return dialog(title, h('p', {}, text), [['Cancel', false, 'subtle'], [label, true, 'danger']])
    .then((v) => v === true);
}

/** Show a value that is shown only once (a secret, a token) with a copy button. */
export function showOnce(title, rows, note) {
  const body = [
    h('p', { class: 'warn' }, note),
    facts(rows.map(([k, v]) => [k, h('span', { class: 'secret' }, h('code', {}, v), copyButton(v))])),
  ];
  return dialog(title, body, [['I have copied it', true, 'primary']]);
}

function copyButton(text) {
  const b = h('button', { type: 'button', class: 'subtle small' }, 'Copy');
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied';
    } catch {
      b.textContent = 'Select and copy';
    }
  });
  return b;
}

/** Previous/next paging over a query result (`onPage(n)` with 1-based page numbers). */
export function pager(offset, limit, total, onPage) {
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil((total || 0) / limit));
  const shown = total ? `${offset + 1}–${Math.min(offset + limit, total)} of ${total}` : 'none';
  return h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'subtle small', disabled: page <= 1, onclick: () => onPage(page - 1) }, '‹ Previous'),
    h('span', {}, shown),
    h('button', { type: 'button', class: 'subtle small', disabled: page >= pages, onclick: () => onPage(page + 1) }, 'Next ›'));
}
