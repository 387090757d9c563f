// Form building blocks: labelled inputs, checkbox lists, localized-string inputs, and a form
// that runs an async submit, shows the API's error next to its fields, and cannot be sent
// twice while a request is running.

import { h, attempt } from './dom.js';

/** A labelled control. */
export function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'label' }, label), control,
    hint ? h('small', {}, hint) : null);
}

/** A text input. */
export function input(name, value = '', attrs = {}) {
  return h('input', { name, value: value ?? '', autocomplete: 'off', ...attrs });
}

/** Split "a, b c" into `['a', 'b', 'c']`. */
export function splitList(text) {
  return String(text || '').split(/[\s,]+/).filter(Boolean);
}

/**
 * A list of values: checkboxes when the choices are known (plus any selected value that is
 * not among them), else a comma-separated text input. Read it back with `readList`.
 */
export function listInput(name, choices, selected = []) {
  if (!choices || !choices.length) {
    return input(name, selected.join(', '), { 'data-list': 'text', placeholder: 'e.g. en, de' });
  }
  const all = [...new Set([...choices, ...selected])];
  return h('div', { class: 'checks', 'data-list': 'checks', 'data-name': name },
    all.map((v) => h('label', {},
      h('input', { type: 'checkbox', name, value: v, checked: selected.includes(v) }), v)));
}

/** The values of a `listInput` in `form`. */
export function readList(form, name) {
  const text = form.querySelector(`input[data-list="text"][name="${name}"]`);
  if (text) return splitList(text.value);
  return [...form.querySelectorAll(`input[type="checkbox"][name="${name}"]:checked`)].map((i) => i.value);
}

/** One input per language for a LocalizedString (`name.en`, `name.de`, …). */
export function localizedInput(name, languages, value = {}) {
  const langs = [...new Set([...(languages.length ? languages : ['en']), ...Object.keys(value || {})])];
  return h('div', { class: 'localized' }, langs.map((lang) =>
    h('label', {}, h('span', { class: 'lang' }, lang), input(`${name}.${lang}`, (value || {})[lang] || ''))));
}

/** The LocalizedString of a `localizedInput` (empty languages left out; `undefined` if none). */
export function readLocalized(form, name) {
  const out = {};
  for (const el of form.querySelectorAll(`input[name^="${name}."]`)) {
    const v = el.value.trim();
    if (v) out[el.name.slice(name.length + 1)] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The trimmed value of a named input (`undefined` when empty). */
export function value(form, name) {
  const el = form.elements.namedItem(name);
  const v = el ? el.value.trim() : '';
  return v === '' ? undefined : v;
}

/**
 * A form: `onSubmit(form)` runs on submit; its error shows in the form; a 409 offers
 * `onReload`. The submit button is disabled while the request runs.
 */
export function actionForm({ submit = 'Save', onSubmit, onReload, cls = '' }, ...children) {
  const slot = h('div', { class: 'slot' });
  const button = h('button', { type: 'submit', class: 'primary' }, submit);
  const form = h('form', { class: `form ${cls}`, novalidate: true }, children, slot,
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    await attempt(slot, () => onSubmit(form), onReload);
    button.disabled = false;
  });
  return form;
}

/**
 * A card with a form that updates a versioned resource: `actionsOf(form)` gives the update
 * actions (none: no request), then the page reloads; a 409 offers a reload.
 */
export function updateCard(ctx, { title, submit, path, version, actionsOf }, ...fields) {
  return h('section', { class: 'card' }, h('h2', {}, title),
    actionForm({
      submit,
      onReload: ctx.reload,
      async onSubmit(f) {
        await ctx.api.update(path, version, actionsOf(f));
        ctx.reload();
      },
    }, fields));
}

/** A button that runs an async action, shows its error in `slot`, and reloads on 409. */
export function actionButton(label, cls, slot, run, onReload) {
  const b = h('button', { type: 'button', class: cls }, label);
  b.addEventListener('click', async () => {
    b.disabled = true;
    await attempt(slot, run, onReload);
    b.disabled = false;
  });
  return b;
}

/** Compare two lists as sets. */
export function sameSet(a, b) {
  const x = new Set(a || []);
  const y = new Set(b || []);
  return x.size === y.size && [...x].every((v) => y.has(v));
}
