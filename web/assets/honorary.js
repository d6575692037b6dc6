// The honorary office (HKC-10) on the members page: staff record it with the
// company's register number, or remove it. The register number's field errors
// come from the API in the page's language; an account without a network
// profile is named at the account ID.

import { bindForm, lang, t, value } from './form.js';
import { call, show } from './signedin.js';

const $ = (id) => document.getElementById(id);
const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Berlin' });

function done(text) {
  $('honorary-done-text').textContent = text;
  show('honorary-done');
}

/** honoraryOffice binds both forms; forAccount checks and escapes the typed account ID. */
export function honoraryOffice(forAccount) {
  const set = $('honorary-form');
  bindForm(set, {
    body: () => ({ accountId: value(set, 'honoraryAccountId'), registerNumber: value(set, 'registerNumber') }),
    send: ({ accountId, registerNumber }) => {
      $('honorary-done').hidden = true;
      return forAccount('honoraryAccountId', accountId, 'js.honorary.unknown',
        (path) => call('PUT', `/v1/admin/members/${path}/honorary-office`, { registerNumber }));
    },
    // The page's own text: the API answers in the language of the signed-in account.
    fieldTexts: { 'registerNumber/invalid_register_number': t('js.honorary.invalidNumber') },
    done: (office) => {
      const id = value(set, 'honoraryAccountId');
      set.reset();
      done(t('js.honorary.set', { id, number: office.registerNumber }));
    },
  });
  const look = $('honorary-show-form');
  bindForm(look, {
    body: () => ({ accountId: value(look, 'honoraryShowAccountId') }),
    send: ({ accountId }) => {
      $('honorary-office').hidden = true;
      return forAccount('honoraryShowAccountId', accountId, 'js.honorary.none',
        (path) => call('GET', `/v1/admin/members/${path}/honorary-office`));
    },
    done: showOffice,
  });
  const remove = $('honorary-remove-form');
  bindForm(remove, {
    body: () => ({ accountId: value(remove, 'honoraryRemoveAccountId') }),
    send: ({ accountId }) => {
      $('honorary-done').hidden = true;
      return forAccount('honoraryRemoveAccountId', accountId, 'js.honorary.unknown',
        (path) => call('DELETE', `/v1/admin/members/${path}/honorary-office`));
    },
    done: () => {
      const id = value(remove, 'honoraryRemoveAccountId');
      remove.reset();
      done(t('js.honorary.removed', { id }));
    },
  });
}

/** showOffice lists an office's number, dates and failures. */
function showOffice(o) {
  const list = $('honorary-office');
  list.replaceChildren();
  const rows = [['js.honorary.number', o.registerNumber], ['js.honorary.since', dateFormat.format(new Date(o.since))],
    ['js.honorary.checkedAt', o.checkedAt ? dateFormat.format(new Date(o.checkedAt)) : t('js.honorary.never')],
    ['js.honorary.failures', String(o.failures || 0)]];
  if (o.failure) rows.push(['js.honorary.failure', o.failure]);
  for (const [key, text] of rows) {
    const div = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = t(key);
    const dd = document.createElement('dd');
    dd.textContent = text;
    div.append(dt, dd);
    list.append(div);
  }
  show('honorary-office');
}
