// The Project page: key, name, languages, currencies and countries; a client with
// `manage_project_settings` may change the three lists (changeLanguages, changeCurrencies,
// changeCountries). Also the project's settings other pages use for their inputs.

import { h, add, heading, facts, when, badge } from './dom.js';
import { actionForm, field, input, sameSet, splitList, value } from './forms.js';

/** The project, or `null` when the token may not read it (pages then ask for free text). */
export async function settings(ctx) {
  if (!ctx.grants.can('view_project_settings')) return null;
  return ctx.api.get('');
}

const chips = (list) => h('span', { class: 'chips' }, (list || []).map((v) => badge(v)));

export async function view(ctx) {
  ctx.title('Project');
  const p = await ctx.api.get('');
  if (!ctx.current()) return;
  add(ctx.root, 
    heading(`Project ${p.key}`),
    h('section', { class: 'card' }, facts([
      ['Key', h('code', {}, p.key)],
      ['Name', p.name],
      ['Languages', chips(p.languages)],
      ['Currencies', chips(p.currencies)],
      ['Countries', chips(p.countries)],
      ['Version', String(p.version)],
      ['Created', when(p.createdAt)],
    ])),
  );
  if (ctx.grants.can('manage_project_settings')) add(ctx.root, editForm(ctx, p));
}

function editForm(ctx, p) {
  const listField = (label, name, list, hint) =>
    field(label, input(name, (list || []).join(', ')), hint);
  return h('section', { class: 'card' }, h('h2', {}, 'Change settings'),
    actionForm({
      submit: 'Save settings',
      onReload: ctx.reload,
      async onSubmit(f) {
        const wanted = {
          languages: splitList(value(f, 'languages')),
          currencies: splitList(value(f, 'currencies')),
          countries: splitList(value(f, 'countries')),
        };
        const actions = [];
        if (!sameSet(wanted.languages, p.languages)) actions.push({ action: 'changeLanguages', languages: wanted.languages });
        if (!sameSet(wanted.currencies, p.currencies)) actions.push({ action: 'changeCurrencies', currencies: wanted.currencies });
        if (!sameSet(wanted.countries, p.countries)) actions.push({ action: 'changeCountries', countries: wanted.countries });
        await ctx.api.update('', p.version, actions);
        ctx.reload();
      },
    },
    listField('Languages', 'languages', p.languages, 'IETF language tags, comma-separated (en, de-DE)'),
    listField('Currencies', 'currencies', p.currencies, 'ISO 4217 codes (EUR, USD)'),
    listField('Countries', 'countries', p.countries, 'ISO 3166 codes (DE, FR)')));
}
