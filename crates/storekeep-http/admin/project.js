// The Project page: key, name, languages, currencies and countries; a client with
// `manage_project_settings` may change the three lists (changeLanguages, changeCurrencies,
// changeCountries). Also the project's settings other pages use for their inputs.

import { h, add, heading, facts, when, badge } from './dom.js';
import { updateCard, field, input, sameSet, splitList, value } from './forms.js';

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
  const actionsOf = (f) => [['languages', 'changeLanguages'], ['currencies', 'changeCurrencies'], ['countries', 'changeCountries']]
    .map(([name, action]) => [name, action, splitList(value(f, name))])
    .filter(([name, , wanted]) => !sameSet(wanted, p[name]))
    .map(([name, action, wanted]) => ({ action, [name]: wanted }));
  return updateCard(ctx, { title: 'Change settings', submit: 'Save settings', path: '', version: p.version, actionsOf },
    listField('Languages', 'languages', p.languages, 'IETF language tags, comma-separated (en, de-DE)'),
    listField('Currencies', 'currencies', p.currencies, 'ISO 4217 codes (EUR, USD)'),
    listField('Countries', 'countries', p.countries, 'ISO 3166 codes (DE, FR)'));
}
