// Alerts for new listings (HGK-3): a new alert, prefilled from the browse
// page's filters (signed out with the address and a mailed confirmation link,
// signed in active at once; ?edit=<id> changes one of mine), the confirmation
// by the mailed link (spent by a click, never on load: mail scanners open
// links), and my alerts (pause, resume, edit, delete after a confirmation). A
// 401 on a signed-in call leads to sign-in and back (signedin.js).

import { api, bindForm, lang, problemItems, showErrors, t, takeToken, value } from '../../assets/form.js';
import { call, when } from '../../assets/signedin.js';

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(window.location.search);

function ready() {
  $('loading').hidden = true;
  $('content').hidden = false;
}

function fail(err) {
  $('loading').hidden = true;
  showErrors(document.body, problemItems(err));
}

/** show hides the page's content and shows and focuses the panel id. */
function show(id) {
  $('content').hidden = true;
  $(id).hidden = false;
  $(id).focus();
}

const criteriaNames = ['kind', 'area', 'boatType', 'from', 'to'];

/** fill puts an alert's criteria and frequency into the form. */
function fill(f, c, frequency) {
  for (const n of criteriaNames) if (c[n]) f.elements.namedItem(n).value = c[n];
  f.elements.namedItem('words').value = (c.words || []).join(' ');
  if (frequency) f.elements.namedItem('frequency').value = frequency;
}

/** criteria reads the form's criteria, leaving out what is empty. */
function criteria(f) {
  const c = {};
  for (const n of criteriaNames) if (value(f, n)) c[n] = value(f, n);
  const words = value(f, 'words').split(/\s+/).filter(Boolean);
  if (words.length) c.words = words;
  return c;
}

// ---- A new alert, or one of mine changed ----

async function editing(f, id) {
  const { alerts } = await call('GET', '/v1/me/alerts');
  const a = alerts.find((x) => x.id === id);
  if (!a) {
    $('loading').hidden = true;
    showErrors(document.body, [{ text: t('js.notFound') }]);
    return;
  }
  fill(f, a.criteria, a.frequency);
  $('page-title').textContent = t('js.editTitle');
  $('submit').textContent = t('js.saveEdit');
  ready();
  bindForm(f, {
    body: () => ({ criteria: criteria(f), frequency: f.elements.namedItem('frequency').value }),
    send: (b) => call('PATCH', `/v1/me/alerts/${encodeURIComponent(id)}`, b),
    done: () => {
      $('created').querySelector('h2').textContent = t('js.saved');
      show('created');
    },
  });
}

async function create() {
  const f = $('form');
  const edit = query.get('edit');
  if (edit) return editing(f, edit);
  // The browse page's filters: its search words become the alert's words.
  fill(f, { kind: query.get('kind') || 'offer', area: query.get('area'), boatType: query.get('boatType'),
    from: query.get('from'), to: query.get('to'), words: (query.get('q') || '').split(/\s+/).filter(Boolean) });
  const signedIn = await api('GET', '/v1/me').then(() => true, () => false);
  $('anonymous-fields').hidden = signedIn;
  ready();
  const accepted = (name) => (f.elements.namedItem(name).checked ? f.elements.namedItem(name).value : '');
  bindForm(f, {
    body: () => ({ criteria: criteria(f), frequency: f.elements.namedItem('frequency').value, language: lang }),
    send: (b) => {
      if (signedIn) return call('POST', '/v1/me/alerts', b);
      return api('POST', '/v1/alerts', { ...b, email: value(f, 'email'),
        acceptedTermsVersion: accepted('acceptedTermsVersion'), acceptedPrivacyVersion: accepted('acceptedPrivacyVersion') });
    },
    fieldTexts: {
      'acceptedTermsVersion/required': t('js.termsRequired'),
      'acceptedPrivacyVersion/required': t('js.privacyRequired'),
    },
    done: () => show(signedIn ? 'created' : 'mailed'),
  });
}

// ---- Confirming an alert asked for without an account ----

async function confirm() {
  // The token leaves the address bar at once; it is sent only on the click.
  const token = takeToken();
  ready();
  if (!token) {
    $('confirm-form').hidden = true;
    $('no-token').hidden = false;
    return;
  }
  bindForm($('confirm-form'), {
    body: () => ({ token }),
    send: (b) => api('POST', '/v1/alerts/confirm', b),
    done: () => show('confirmed'),
  });
}

// ---- My alerts ----

function day(iso) {
  if (!iso) return t('js.open');
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
}

/** describe is an alert's criteria in words: its title and details. */
function describe(c) {
  const title = [t(`js.kind.${c.kind}`), c.area ? t(`js.area.${c.area}`) : t('js.anyArea'), c.boatType ? t(`js.boat.${c.boatType}`) : t('js.anyBoat')].join(' · ');
  const details = [];
  if (c.from || c.to) details.push(t('js.dates', { from: day(c.from), to: day(c.to) }));
  if (c.words && c.words.length) details.push(t('js.words', { words: c.words.join(', ') }));
  return { title, details: details.join(' · ') };
}

/** once runs fn for a button's click, one at a time (a double click sends one request). */
function once(button, fn) {
  let busy = false;
  button.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    button.disabled = true;
    try {
      await fn();
    } catch (err) {
      fail(err);
    } finally {
      busy = false;
      button.disabled = false;
    }
  });
}

function button(text, cls) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `button ${cls}`;
  b.textContent = text;
  return b;
}

let max = 20;

function notice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
  $('notice').focus();
}

function counted() {
  const n = $('alerts').children.length;
  $('count').textContent = n === 0 ? t('js.none') : t('js.count', { n, max });
}

let deleting = null; // the alert and its list item the confirmation asks about

function alertItem(a) {
  const li = document.createElement('li');
  li.className = 'item';
  const d = describe(a.criteria);
  const h = document.createElement('h2');
  h.className = 'item-title';
  h.textContent = d.title;
  const meta = document.createElement('p');
  meta.className = 'hint';
  meta.textContent = [d.details, t(`js.frequency.${a.frequency}`), a.paused ? t('js.paused') : t('js.active'), when(a.createdAt)].filter(Boolean).join(' · ');
  const group = document.createElement('div');
  group.className = 'button-group';
  const toggle = button(a.paused ? t('js.resume') : t('js.pause'), 'button-secondary');
  once(toggle, async () => {
    const changed = await call('PATCH', `/v1/me/alerts/${encodeURIComponent(a.id)}`, { paused: !a.paused });
    const next = alertItem(changed);
    li.replaceWith(next);
    notice(changed.paused ? t('js.pausedNotice') : t('js.resumedNotice'));
  });
  const edit = document.createElement('a');
  edit.className = 'button button-secondary';
  edit.href = `/${lang}/classifieds/alerts/new?edit=${encodeURIComponent(a.id)}`;
  edit.textContent = t('js.edit');
  const del = button(t('js.delete'), 'button-warning');
  del.addEventListener('click', () => {
    deleting = { a, li };
    $('deleting-what').textContent = d.title;
    $('deleting').hidden = false;
    $('deleting').focus();
  });
  group.append(toggle, edit, del);
  li.append(h, meta, group);
  return li;
}

async function mine() {
  const answer = await call('GET', '/v1/me/alerts');
  max = answer.max;
  for (const a of answer.alerts) $('alerts').append(alertItem(a));
  counted();
  once($('deleting-confirm'), async () => {
    if (!deleting) return;
    await call('DELETE', `/v1/me/alerts/${encodeURIComponent(deleting.a.id)}`);
    deleting.li.remove();
    deleting = null;
    $('deleting').hidden = true;
    counted();
    notice(t('js.deleted'));
  });
  $('deleting-cancel').addEventListener('click', () => {
    deleting = null;
    $('deleting').hidden = true;
    $('count').focus();
  });
  ready();
}

// The variant is told by what the page holds.
let run = mine;
if ($('form')) run = create;
else if ($('confirm-form')) run = confirm;
run().catch(fail);
