// The classifieds' replies: the advertiser's list of replies received (GET
// /v1/me/replies, newest first, paged; delete one), and the replier's page that
// the link in their copy opens (delete the reply with its token, or go on to
// report no reaction with the same id and token). A 401 on a signed-in call
// leads to sign-in and back (signedin.js).

import { api, ApiResponse, bindForm, lang, problemItems, reveal, showErrors, t, takeToken } from '../../assets/form.js';
import { call, when } from '../../assets/signedin.js';

const $ = (id) => document.getElementById(id);

function fail(err) {
  if ($('loading')) $('loading').hidden = true;
  showErrors(document.body, problemItems(err));
}

// ---- The advertiser's replies ----

let cursor = '';

function status() {
  const n = $('replies').children.length;
  let text = t('js.none');
  if (n) text = t(cursor ? 'js.countMore' : 'js.count', { n });
  $('status').textContent = text;
}

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
      await call('DELETE', `/v1/me/replies/${encodeURIComponent(r.id)}`);
      li.remove();
      status();
      $('status').textContent = `${t('js.deleted')} ${$('status').textContent}`;
    } catch (err) {
      fail(err);
    } finally {
      busy = false;
      b.disabled = false;
    }
  });
  return b;
}

/** replyItem is one reply as a list item: everything as text, never markup. */
function replyItem(r) {
  const li = document.createElement('li');
  li.className = 'item';
  const h = document.createElement('h2');
  h.className = 'item-title';
  h.textContent = t('js.from', { name: r.name, at: when(r.createdAt) });
  const on = document.createElement('p');
  on.className = 'hint';
  const a = document.createElement('a');
  a.href = `/${lang}/listings/listing?id=${encodeURIComponent(r.listingId)}`;
  a.textContent = r.listingTitle;
  on.append(`${t('js.on')}: `, a);
  const text = document.createElement('p');
  text.className = 'message-text';
  text.textContent = r.message;
  const mail = document.createElement('p');
  const m = document.createElement('a');
  m.href = `mailto:${encodeURIComponent(r.email).replace(/%40/g, '@')}`;
  m.textContent = `${t('js.answer')}: ${r.email}`;
  mail.append(m);
  li.append(h, on, text, mail, deleteButton(r, li));
  return li;
}

async function page() {
  const q = new URLSearchParams({ limit: '20' });
  if (cursor) q.set('cursor', cursor);
  const answer = await call('GET', `/v1/me/replies?${q}`);
  const first = $('replies').children.length;
  for (const r of answer.replies) $('replies').append(replyItem(r));
  cursor = answer.next || '';
  $('more').hidden = !cursor;
  status();
  return first;
}

async function mine() {
  await page();
  $('loading').hidden = true;
  $('content').hidden = false;
  $('more').addEventListener('click', async () => {
    try {
      const first = await page();
      const next = $('replies').children[first];
      if (next) {
        next.tabIndex = -1;
        next.focus();
      }
    } catch (err) {
      fail(err);
    }
  });
}

// ---- The replier's page (the copy's link) ----

function reply() {
  // Read the id before takeToken clears the address bar; the token is sent only
  // on the click, so a mail scanner opening the link deletes nothing.
  const id = new URLSearchParams(window.location.search).get('id') || '';
  const token = takeToken();
  if (!token || !id) {
    reveal('no-token');
    return;
  }
  // The report of no reaction gets the same id and token; the token travels in
  // the fragment, which the page there takes out of the address bar and which
  // never reaches a server's log.
  $('to-no-reaction').href = `/${lang}/classifieds/reply/no-reaction?id=${encodeURIComponent(id)}#token=${encodeURIComponent(token)}`;
  bindForm($('delete-form'), {
    body: () => ({ token }),
    send: (b) => api('POST', `/v1/replies/${encodeURIComponent(id)}/delete`, b).catch((err) => {
      if (err instanceof ApiResponse && err.status === 404) {
        throw new ApiResponse({ status: 404, headers: new Headers() }, { detail: t('js.gone') });
      }
      throw err;
    }),
    done: () => reveal('deleted'),
  });
}

if ($('delete-form')) reply();
else mine().catch(fail);
