// The classifieds' advertiser pages: my advertiser details (GET/PATCH
// /v1/me/advertiser), an advertiser's ratings with the rating form
// (?advertiser=<public id>), and my ratings, received and given. A 401 on a
// signed-in call leads to sign-in and back (signedin.js).

import { api, ApiResponse, bindForm, lang, problemItems, reveal, showErrors, t, takeToken, value } from '../../assets/form.js';
import { call, when } from '../../assets/signedin.js';

const $ = (id) => document.getElementById(id);

function ready() {
  $('loading').hidden = true;
  $('content').hidden = false;
}

function fail(err) {
  $('loading').hidden = true;
  showErrors(document.body, problemItems(err));
}

/** summaryText is an advertiser's rating summary as a sentence. */
function summaryText(s) {
  if (!s || !s.count) return t('js.noRatings');
  return t('js.summary', { n: s.count, avg: s.average.toLocaleString(document.documentElement.lang) });
}

/** ratingItem is one rating as a list item; extra, when given, is appended. */
function ratingItem(r, title, extra) {
  const li = document.createElement('li');
  li.className = 'item';
  const h = document.createElement('h3');
  h.className = 'item-title';
  h.textContent = title || t('js.stars', { n: r.stars });
  const meta = document.createElement('p');
  meta.className = 'hint';
  meta.textContent = `${t('js.stars', { n: r.stars })} · ${t('js.ratedOn', { at: when(r.createdAt) })}`;
  const text = document.createElement('p');
  text.className = 'message-text';
  text.textContent = r.text;
  li.append(h, meta, text);
  if (extra) li.append(extra);
  return li;
}

// ---- My advertiser details ----

const fields = ['username', 'name', 'street', 'postalCode', 'city', 'country'];

function showAdvertiser(d) {
  $('fact-public-id').textContent = d.publicId || '–';
  $('fact-first-listing').textContent = when(d.firstListingAt) || t('js.never');
  $('fact-created').textContent = when(d.createdAt) || '–';
  const f = $('form');
  for (const k of fields) f.elements.namedItem(k).value = d[k] || '';
  f.elements.namedItem('salutation').value = d.salutation || 'none';
}

async function advertiser() {
  showAdvertiser(await call('GET', '/v1/me/advertiser'));
  ready();
  const f = $('form');
  bindForm(f, {
    // An empty field removes the detail (null); every field is sent.
    body: () => {
      const b = {};
      for (const k of fields) b[k] = value(f, k) || null;
      const s = f.elements.namedItem('salutation').value;
      b.salutation = s === 'none' ? null : s;
      return b;
    },
    send: (b) => call('PATCH', '/v1/me/advertiser', b),
    done: (d) => {
      showAdvertiser(d);
      $('saved').hidden = false;
      $('saved').focus();
    },
  });
}

// ---- An advertiser's ratings ----

let cursor = '';
let shown = 0;

async function ratingsPage(id) {
  const q = new URLSearchParams({ limit: '20' });
  if (cursor) q.set('cursor', cursor);
  const answer = await api('GET', `/v1/advertisers/${encodeURIComponent(id)}/ratings?${q}`);
  $('advertiser-name').textContent = answer.advertiser.username || t('js.neutral');
  $('summary').textContent = summaryText(answer.advertiser.ratings);
  const list = $('ratings');
  for (const r of answer.ratings) list.append(ratingItem(r));
  shown += answer.ratings.length;
  cursor = answer.next || '';
  $('more').hidden = !cursor;
  let text = t('js.noRatings');
  if (shown) text = t(cursor ? 'js.countMore' : 'js.count', { n: shown });
  $('ratings-count').textContent = text;
}

async function ratings() {
  const id = new URLSearchParams(window.location.search).get('advertiser') || '';
  try {
    await ratingsPage(id);
  } catch (err) {
    if (err instanceof ApiResponse && err.status === 404) {
      $('loading').hidden = true;
      $('unavailable').hidden = false;
      $('unavailable').focus();
      return;
    }
    throw err;
  }
  ready();
  $('more').addEventListener('click', () => ratingsPage(id).catch(fail));
  // Signed out, the address comes along and a confirmation link is mailed.
  const signedIn = await api('GET', '/v1/me').then(() => true, () => false);
  $('anonymous-fields').hidden = signedIn;
  const f = $('form');
  const rate = (b) => {
    if (signedIn) return call('POST', `/v1/advertisers/${encodeURIComponent(id)}/ratings`, b);
    const accepted = (name) => (f.elements.namedItem(name).checked ? f.elements.namedItem(name).value : '');
    return api('POST', `/v1/advertisers/${encodeURIComponent(id)}/ratings`, {
      ...b,
      email: value(f, 'email'),
      language: lang,
      acceptedTermsVersion: accepted('acceptedTermsVersion'),
      acceptedPrivacyVersion: accepted('acceptedPrivacyVersion'),
    });
  };
  bindForm(f, {
    body: () => ({ stars: Number(f.elements.namedItem('stars').value), text: value(f, 'text') }),
    send: rate,
    fieldTexts: {
      'acceptedTermsVersion/required': t('js.termsRequired'),
      'acceptedPrivacyVersion/required': t('js.privacyRequired'),
    },
    done: async (answer) => {
      f.hidden = true;
      const shownPanel = answer && answer.id ? 'rated' : 'mailed';
      $(shownPanel).hidden = false;
      $(shownPanel).focus();
      if (shownPanel === 'mailed') return;
      cursor = '';
      shown = 0;
      $('ratings').replaceChildren();
      await ratingsPage(id);
    },
  });
}

// ---- My ratings ----

function deleteButton(r, li) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'button button-secondary';
  b.textContent = t('js.delete');
  let busy = false;
  b.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    b.disabled = true;
    try {
      await call('DELETE', `/v1/ratings/${encodeURIComponent(r.id)}`);
      li.remove();
      $('given-status').textContent = t('js.deleted');
    } catch (err) {
      fail(err);
    } finally {
      busy = false;
      b.disabled = false;
    }
  });
  return b;
}

async function mine() {
  const m = await call('GET', '/v1/me/ratings');
  $('received-summary').textContent = summaryText(m.advertiser.ratings);
  if (m.advertiser.id) {
    $('public-link-a').href = `/${document.documentElement.lang}/classifieds/ratings?advertiser=${encodeURIComponent(m.advertiser.id)}`;
    $('public-link').hidden = false;
  }
  for (const r of m.received) $('received').append(ratingItem(r));
  for (const r of m.given) {
    const li = ratingItem(r, t('js.of', { name: r.advertiser.username || t('js.neutral') }));
    li.append(deleteButton(r, li));
    $('given').append(li);
  }
  $('given-status').textContent = m.given.length ? t('js.given', { n: m.given.length }) : t('js.noneGiven');
  ready();
}

// ---- Confirming a rating sent without an account ----

async function confirm() {
  // The token leaves the address bar at once; it is sent only on the click, so
  // a mail scanner opening the link publishes nothing.
  const token = takeToken();
  ready();
  if (!token) {
    $('no-token').hidden = false;
    $('confirm-form').hidden = true;
    return;
  }
  bindForm($('confirm-form'), {
    body: () => ({ token }),
    send: (b) => api('POST', '/v1/ratings/confirm', b),
    done: () => reveal('confirmed'),
  });
}

// The variant is told by what the page holds.
let run = mine;
if ($('fact-public-id')) run = advertiser;
else if ($('ratings')) run = ratings;
else if ($('confirm-form')) run = confirm;
run().catch(fail);
