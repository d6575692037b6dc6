// The anonymous watch list (HGK-11): the list the browser's cookie names, each
// entry removable; opened with ?listing=<id> it offers that listing to keep. Only
// keeping a listing makes the browser store a cookie: loading this page sets none.

import { api, problemItems, showErrors, t } from '../../assets/form.js';
import { when } from '../../assets/signedin.js';
import { day } from '../../assets/claim.js';

const $ = (id) => document.getElementById(id);

/** el makes an element with attributes and children (text as children). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

let max = 100;
let busy = false;

function fact(list, label, text) {
  if (!text) return;
  list.append(el('div', {}, el('dt', {}, label), el('dd', {}, text)));
}

function item(e) {
  const title = e.public ? e.title : t('js.gone');
  const facts = el('dl', { class: 'facts' });
  if (e.public) {
    fact(facts, t('js.kind'), t(e.kind === 'search' ? 'js.search' : 'js.offer'));
    fact(facts, t('js.area'), e.area);
    fact(facts, t('js.trip'), t('js.tripValue', { from: day(e.from), to: day(e.to) }));
    fact(facts, t('js.expires'), day(e.expiresOn));
  } else {
    fact(facts, t('js.gone'), t('js.goneText'));
  }
  fact(facts, t('js.kept'), when(e.addedAt));
  const remove = el('button', { type: 'button', class: 'button button-secondary', 'aria-label': t('js.removeLabel', { title }) }, t('js.remove'));
  remove.addEventListener('click', () => change(() => api('DELETE', `/v1/watchlist/${encodeURIComponent(e.listingId)}`), 'js.removed'));
  return el('li', { class: 'item', 'data-listing': e.listingId }, el('h2', { class: 'item-title' }, title), facts, remove);
}

async function load() {
  const answer = await api('GET', '/v1/watchlist');
  max = answer.max;
  $('watch').replaceChildren(...answer.entries.map(item));
  return answer.entries.length;
}

function count(n) {
  return n ? t('js.count', { n, max }) : t('js.none');
}

// change runs one change at a time (a double click sends one request), reloads
// the list and says what happened in the status line, which takes the focus.
async function change(send, said) {
  if (busy) return;
  busy = true;
  try {
    await send();
    const n = await load();
    const status = $('watch-count');
    status.textContent = t(said, { n, max });
    status.tabIndex = -1;
    status.focus();
  } catch (err) {
    showErrors(document.body, problemItems(err));
  } finally {
    busy = false;
  }
}

const listing = new URLSearchParams(window.location.search).get('listing');
if (listing !== null) {
  $('add-area').hidden = false;
  $('add-id').textContent = listing;
  $('add').addEventListener('click', () => change(() => api('PUT', `/v1/watchlist/${encodeURIComponent(listing)}`), 'js.added'));
}

load().then((n) => { $('watch-count').textContent = count(n); }).catch((err) => showErrors(document.body, problemItems(err)));
