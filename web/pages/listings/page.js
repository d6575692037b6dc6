// The classifieds' pages: browsing with filters and paging and one listing with
// its photos, the advertiser's name and rating summary and the identity mark
// (anyone, no cookie, nothing stored), placing a listing (signed out with the
// address and a mailed link, signed in at once, from a template, or editing one),
// the confirmation by the mailed link (consumed by a click, never on load: mail
// scanners open links), and my listings (edit, end early, use as template, its
// photos and visitor statistics).
import { api, ApiResponse, bindForm, problemItems, reveal, showErrors, t, takeToken, value } from '../../assets/form.js';
import { call, show } from '../../assets/signedin.js';
import { row as fact } from '../../assets/claim.js';

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(window.location.search);
const lang = document.documentElement.lang;

function fail(err) {
  showErrors(document.body, problemItems(err));
}

// facts lists what every view of a listing shows.
function facts(list, l) {
  fact(list, t('js.kind'), t(`kind.${l.kind}`));
  fact(list, t('js.area'), t(`area.${l.area}`));
  fact(list, t('js.boat'), t(`boat.${l.boatType}`));
  fact(list, t('js.trip'), t('js.dates', { from: day(l.from), to: day(l.to) }));
}

function day(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
}

function listingURL(id) {
  return `/${lang}/listings/listing?id=${encodeURIComponent(id)}`;
}

function titled(tag, text, href) {
  const h = document.createElement(tag);
  h.className = 'item-title';
  if (href) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    h.append(a);
  } else {
    h.textContent = text;
  }
  return h;
}

// Paging: "show more" loads the next page and moves the focus to its first entry.
function pager(list, more, load) {
  let cursor = '';
  async function next(reset) {
    if (reset) {
      list.replaceChildren();
      cursor = '';
    }
    const first = list.children.length;
    const answer = await load(cursor);
    cursor = answer.next || '';
    more.hidden = !cursor;
    const added = list.children[first];
    if (first > 0 && added) {
      const h = added.querySelector('h2');
      h.tabIndex = -1;
      h.focus();
    }
    return list.children.length;
  }
  more.addEventListener('click', () => next(false).catch(fail));
  return next;
}

const filterNames = ['kind', 'area', 'boatType', 'from', 'to', 'q', 'sort'];

function browse() {
  const form = $('filter');
  for (const n of filterNames) if (query.get(n)) form.elements.namedItem(n).value = query.get(n);
  const filters = () => {
    const q = new URLSearchParams();
    for (const n of filterNames) if (value(form, n)) q.set(n, value(form, n));
    return q;
  };
  const next = pager($('results'), $('more'), async (cursor) => {
    const q = filters();
    if (cursor) q.set('cursor', cursor);
    const answer = await api('GET', `/v1/listings?${q}`);
    for (const l of answer.listings) {
      const li = document.createElement('li');
      li.className = 'item';
      const list = document.createElement('dl');
      list.className = 'facts';
      facts(list, l);
      fact(list, t('js.visible'), day(l.expiresOn));
      advertiser(list, l.advertiser, false);
      li.append(titled('h2', l.title, listingURL(l.id)), list);
      $('results').append(li);
    }
    return answer;
  });
  // "Mail me new listings like these" carries the filter shown (sort aside).
  const alertLink = () => {
    const q = filters();
    q.delete('sort');
    $('alert-link').href = `/${lang}/classifieds/alerts/new?${q}`;
  };
  alertLink();
  const load = (reset) => next(reset).then((n) => {
    alertLink();
    $('count').textContent = n === 0 ? t('js.none') : t($('more').hidden ? 'js.count' : 'js.countMore', { n });
  });
  bindForm(form, {
    body: () => ({}),
    send: async () => {
      window.history.replaceState(null, '', `${window.location.pathname}?${filters()}`);
      await load(true);
    },
    done: () => {},
  });
  load(true).then(() => { form.dataset.ready = 'true'; }).catch(fail);
}

// reply binds the reply form (HGK-9): anyone, no account. The answer is the same
// whether the reply was delivered or withheld as spam; either way a copy with
// the link to delete it was mailed.
function reply(id) {
  const form = $('reply-form');
  bindForm(form, {
    body: () => ({ name: value(form, 'name'), email: value(form, 'email'), message: value(form, 'message') }),
    send: (b, key) => api('POST', `/v1/listings/${encodeURIComponent(id)}/replies`, b, { idempotencyKey: key }),
    done: () => {
      form.hidden = true;
      $('reply-done').hidden = false;
      $('reply-done').focus();
    },
  });
}

async function listing() {
  try {
    const l = await api('GET', `/v1/listings/${encodeURIComponent(query.get('id') || '-')}`);
    $('title').textContent = l.title;
    facts($('facts'), l);
    fact($('facts'), t('js.visible'), day(l.expiresOn));
    $('text').textContent = l.text;
    advertiser($('facts'), l.advertiser);
    $('identity').hidden = !l.identityConfirmed;
    $('watch').href = `/${lang}/classifieds/watchlist?listing=${encodeURIComponent(l.id)}`;
    document.title = `${l.title} – Kontor`;
    $('loading').hidden = true;
    $('listing').hidden = false;
    reply(l.id);
    await photos(l);
  } catch (err) {
    $('loading').hidden = true;
    if (err instanceof ApiResponse && err.status === 404) {
      $('gone').hidden = false;
      $('gone').focus();
      return;
    }
    fail(err);
  }
}

// advertiser names who placed a listing (the chosen username or a neutral label)
// and their rating summary, with a link to their ratings (HGK-8); the one
// listing's page gives the link its id, a browse page has one per card.
function advertiser(list, a, single = true) {
  if (!a) return;
  fact(list, t('js.advertiser'), a.username || t('js.noUsername'));
  const r = a.ratings;
  const avg = r.average.toLocaleString(lang);
  const summary = { 0: t('js.ratingsNone'), 1: t('js.ratingsOne', { avg }) }[r.count] || t('js.ratingsSummary', { n: r.count, avg });
  fact(list, t('js.ratings'), summary);
  const link = document.createElement('a');
  link.href = `/${lang}/classifieds/ratings?advertiser=${encodeURIComponent(a.id)}`;
  if (single) link.id = 'ratings-link';
  link.textContent = t('js.ratingsLink');
  list.lastElementChild.querySelector('dd').append(' ', link);
}

// photos shows a public listing's photos, each from the photo bucket by a
// presigned GET the API hands out while the listing is public (CP-1: no cookie).
async function photos(l) {
  const items = await Promise.all(l.photos.map(async (photoId, i) => {
    const li = document.createElement('li');
    li.className = 'item';
    try {
      const link = await api('GET', `/v1/listings/${encodeURIComponent(l.id)}/photos/${encodeURIComponent(photoId)}`);
      const img = document.createElement('img');
      img.src = link.url;
      img.alt = t('js.photoAlt', { n: i + 1, title: l.title });
      img.className = 'picture';
      li.append(img);
    } catch {
      li.textContent = t('js.photoGone', { n: i + 1 }); // e.g. ended meanwhile: the rest still shows
    }
    return li;
  }));
  $('photos').replaceChildren(...items);
  $('photos-area').hidden = items.length === 0;
}

// mineLoad loads a page of the signed-in advertiser's listings.
function mineLoad(cursor) {
  const q = new URLSearchParams();
  if (cursor) q.set('cursor', cursor);
  return call('GET', `/v1/me/listings?${q}`);
}

// own finds one of the signed-in advertiser's listings, page by page.
async function own(id) {
  let cursor = '';
  do {
    const answer = await mineLoad(cursor);
    const l = answer.listings.find((x) => x.id === id);
    if (l) return l;
    cursor = answer.next || '';
  } while (cursor);
  return null;
}

const listingFields = ['kind', 'area', 'boatType', 'from', 'to', 'title', 'text', 'expiresOn'];

async function signedIn() {
  try {
    await api('GET', '/v1/me');
    return true;
  } catch {
    return false; // signed out (401) or unreachable: the form without an account
  }
}

async function place() {
  const form = $('form');
  const edit = query.get('edit');
  const from = edit || query.get('template');
  const accepted = (name) => (form.elements.namedItem(name).checked ? form.elements.namedItem(name).value : '');
  let mode = 'anonymous';
  if (from) {
    const l = await own(from);
    if (!l) {
      showErrors(form, [{ text: t('js.notFound') }]);
      return;
    }
    for (const n of listingFields) form.elements.namedItem(n).value = n === 'expiresOn' && !edit ? '' : l[n];
    $('new-title').textContent = t(edit ? 'js.editTitle' : 'js.templateTitle');
    document.title = `${$('new-title').textContent} – Kontor`;
    mode = edit ? 'edit' : 'template';
  } else if (await signedIn()) {
    mode = 'signed';
  }
  if (mode !== 'anonymous') {
    $('anonymous-fields').hidden = true;
    $('signed-in').hidden = false;
  }
  bindForm(form, {
    body: () => {
      const b = {};
      for (const n of listingFields) b[n] = value(form, n);
      if (mode === 'anonymous') {
        b.email = value(form, 'email');
        b.acceptedTermsVersion = accepted('acceptedTermsVersion');
        b.acceptedPrivacyVersion = accepted('acceptedPrivacyVersion');
      }
      if (mode === 'template') b.templateId = from;
      return b;
    },
    send: (b, key) => {
      if (mode === 'edit') return call('PATCH', `/v1/listings/${encodeURIComponent(edit)}`, b);
      if (mode === 'anonymous') return api('POST', '/v1/listings', b, { idempotencyKey: key });
      return call('POST', '/v1/listings', b, { idempotencyKey: key });
    },
    done: (answer) => {
      const pending = answer.status === 'pending';
      $('done-title').textContent = t(pending ? 'js.pendingTitle' : mode === 'edit' ? 'js.saved' : 'js.published');
      $('done-text').textContent = t(pending ? 'js.pendingText' : mode === 'edit' ? 'js.savedText' : 'js.publishedText');
      if (!pending) {
        $('done-link').href = listingURL(answer.id);
        $('done-link').textContent = t('js.view');
      }
      reveal('done');
    },
    fieldTexts: {
      'acceptedTermsVersion/required': t('js.termsRequired'),
      'acceptedPrivacyVersion/required': t('js.privacyRequired'),
    },
  });
  form.dataset.ready = mode;
}

function confirm() {
  const token = takeToken();
  if (!token) {
    reveal('no-token');
    return;
  }
  // Only the click spends the token: a mail scanner that opens the link changes nothing.
  bindForm($('form'), {
    body: () => ({ token }),
    send: (b) => api('POST', '/v1/listings/confirm', b),
    done: (answer) => {
      $('listing-link').href = listingURL(answer.id);
      reveal('done');
    },
  });
  $('form').dataset.ready = 'true';
}

function mine() {
  const status = (l) => {
    if (l.public) return t('js.public');
    return l.status === 'ended' ? t('js.ended') : t('js.expired');
  };
  const button = (text, onClick) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button button-secondary';
    b.textContent = text;
    b.addEventListener('click', onClick);
    return b;
  };
  const link = (text, href) => {
    const a = document.createElement('a');
    a.className = 'button button-secondary';
    a.href = href;
    a.textContent = text;
    return a;
  };
  const next = pager($('mine'), $('more'), async (cursor) => {
    const answer = await mineLoad(cursor);
    for (const l of answer.listings) {
      const li = document.createElement('li');
      li.className = 'item';
      const list = document.createElement('dl');
      list.className = 'facts';
      fact(list, t('js.status'), status(l));
      facts(list, l);
      fact(list, t('js.visible'), day(l.expiresOn));
      const actions = document.createElement('p');
      if (l.public) {
        actions.append(link(t('js.edit'), `/${lang}/listings/new?edit=${encodeURIComponent(l.id)}`), ' ',
          button(t('js.end'), () => end(l)));
      }
      if (l.template) actions.append(link(t('js.template'), `/${lang}/listings/new?template=${encodeURIComponent(l.id)}`));
      actions.append(' ', link(t('js.photos'), `/${lang}/classifieds/photos?listing=${encodeURIComponent(l.id)}`),
        ' ', link(t('js.stats'), `/${lang}/classifieds/stats?listing=${encodeURIComponent(l.id)}`));
      li.append(titled('h2', l.title, l.public ? listingURL(l.id) : ''), list, actions);
      $('mine').append(li);
    }
    return answer;
  });
  const refresh = () => next(true).then((n) => {
    $('count').textContent = n === 0 ? t('js.mineNone') : t('js.mineCount', { n });
  });
  let ending = null; // the listing the confirmation is open for
  function end(l) {
    ending = l;
    $('ending-title').textContent = t('js.endConfirm', { title: l.title });
    $('notice').hidden = true;
    show('ending');
  }
  $('ending-cancel').addEventListener('click', () => {
    $('ending').hidden = true;
    ending = null;
  });
  let busy = false;
  $('ending-confirm').addEventListener('click', async () => {
    if (busy || !ending) return;
    busy = true;
    const l = ending;
    try {
      await call('DELETE', `/v1/listings/${encodeURIComponent(l.id)}`);
      $('ending').hidden = true;
      ending = null;
      await refresh();
      $('notice').textContent = t('js.endedNotice', { title: l.title });
      show('notice');
    } catch (err) {
      showErrors($('ending'), problemItems(err));
    } finally {
      busy = false;
    }
  });
  refresh().catch(fail);
}

if ($('filter')) browse();
else if ($('listing')) listing();
else if ($('no-token')) confirm();
else if ($('anonymous-fields')) place().catch(fail);
else mine();
