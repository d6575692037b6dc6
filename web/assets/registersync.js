// The company register's part in my profile (HKC-10): for an honorary office
// holder, each detail the register set says "from the register, on <date>"
// next to its field, and the history lists each change with the old and new
// value. Members without an office see nothing of it.

import { lang, t } from './form.js';
import { call } from './signedin.js';

const $ = (id) => document.getElementById(id);
const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'Europe/Berlin' });

/** mark puts "from the register, on <date>" under a field of the profile form, described by its input. */
function mark(field, at) {
  const input = $(field);
  if (!input) return;
  const id = `${field}-register`;
  let note = $(id);
  if (!note) {
    note = document.createElement('p');
    note.className = 'hint';
    note.id = id;
    input.before(note);
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    input.setAttribute('aria-describedby', [...described, id].join(' '));
  }
  note.textContent = t('js.register.source', { date: dateFormat.format(new Date(at)) });
}

/** showRegister reads the register's view of my profile and shows it, if I hold an office. */
export async function showRegister() {
  const v = await call('GET', '/v1/me/profile/register');
  if (!v.honoraryOffice) return;
  $('register-number').textContent = t('js.register.number', { number: v.registerNumber });
  for (const [field, at] of Object.entries(v.sources || {})) mark(field, at);
  const list = $('register-history');
  list.replaceChildren();
  for (const c of v.history) {
    const li = document.createElement('li');
    li.className = 'item';
    const what = document.createElement('p');
    what.textContent = t('js.register.change', { field: t(`js.f.${c.field}`), old: c.old || t('js.register.empty'), new: c.new });
    const when = document.createElement('p');
    when.className = 'hint';
    when.textContent = t('js.register.changeAt', { date: dateFormat.format(new Date(c.at)) });
    li.append(what, when);
    list.append(li);
  }
  $('register-none').hidden = v.history.length > 0;
  $('register').hidden = false;
}
