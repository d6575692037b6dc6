// Review of withheld replies (HGK-10): the advertiser has their withheld replies
// reviewed (they see how many, never their content); the replier reports that
// the advertiser did not react, by the link in their copy; staff read the queue,
// each reply with the filter's decision explained, and release it or confirm it
// as spam. A 401 on a signed-in call leads to sign-in and back (signedin.js).

import { api, ApiResponse, bindForm, problemItems, reveal, showErrors, t, takeToken } from '../../assets/form.js';
import { call, guarded, show, when } from '../../assets/signedin.js';
import { row } from '../../assets/claim.js';

const $ = (id) => document.getElementById(id);

function fail(err) {
  const loading = $('loading');
  if (loading) loading.hidden = true;
  showErrors(document.body, problemItems(err));
}

// ---- The advertiser's request ----

async function request() {
  await call('GET', '/v1/me'); // signed out: sign-in and back here
  $('loading').hidden = true;
  $('content').hidden = false;
  bindForm($('request-form'), {
    body: () => undefined,
    send: () => call('POST', '/v1/me/replies/withheld-review'),
    done: (a) => {
      $('requested-text').textContent = a.queued > 0 ? t('js.queued', { n: a.queued }) : t('js.noneWithheld');
      show('requested');
    },
  });
}

// ---- The replier's report ----

function noReaction() {
  // The id and the token leave the address bar at once; they are sent only on
  // the click, so a mail scanner opening the link reports nothing.
  const id = new URLSearchParams(window.location.search).get('id') || '';
  const token = takeToken();
  if (!id || !token) {
    reveal('no-token');
    return;
  }
  bindForm($('report-form'), {
    body: () => ({ token }),
    send: async (b) => {
      try {
        return await api('POST', `/v1/replies/${encodeURIComponent(id)}/no-reaction`, b);
      } catch (err) {
        // The page's own words for a link that no longer opens a reply.
        if (err instanceof ApiResponse && err.status === 404) err.problem = { detail: t('js.linkInvalid') };
        throw err;
      }
    },
    done: (a) => {
      $('answer-text').textContent = t(`js.answer.${a.status}`);
      reveal('answer');
    },
  });
}

// ---- The staff's queue ----

function number(x, digits) {
  return x.toLocaleString(document.documentElement.lang, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** clues is the table of the filter's strongest clues with their probabilities. */
function clues(r) {
  const table = document.createElement('table');
  table.className = 'table';
  const caption = document.createElement('caption');
  caption.textContent = t('js.cluesTitle');
  const head = document.createElement('tr');
  for (const h of [t('js.clue'), t('js.clueProb')]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  for (const f of r.decision.features) {
    const tr = document.createElement('tr');
    for (const v of [f.token, number(f.prob, 3)]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    tbody.append(tr);
  }
  table.append(caption, thead, tbody);
  return table;
}

function decisionButton(label, kind) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = kind === 'spam' ? 'button button-warning' : 'button';
  b.textContent = label;
  b.dataset.decision = kind;
  return b;
}

function item(r) {
  const li = document.createElement('li');
  li.className = 'item';
  li.id = `reply-${r.id}`;
  const h = document.createElement('h2');
  h.className = 'item-title';
  h.textContent = t('js.replyTo', { title: r.listingTitle || r.listingId });
  const dl = document.createElement('dl');
  dl.className = 'facts';
  row(dl, t('js.f.sender'), `${r.name} <${r.email}>`);
  row(dl, t('js.f.sent'), when(r.sentAt));
  row(dl, t('js.f.reasons'), r.reasons.map((x) => t(`js.reason.${x}`)).join(', '));
  row(dl, t('js.f.keptUntil'), when(r.keptUntil));
  const d = r.decision;
  row(dl, t('js.f.score'), t('js.score', { score: number(d.score, 4), outcome: t(`js.outcome.${d.outcome}`), spam: number(d.thresholds.spam, 2), ham: number(d.thresholds.ham, 2) }));
  row(dl, t('js.f.model'), d.model);
  const text = document.createElement('p');
  text.className = 'message-text';
  text.textContent = r.message;
  const group = document.createElement('div');
  group.className = 'button-group';
  group.append(decisionButton(t('js.release'), 'release'), decisionButton(t('js.spam'), 'spam'));
  li.append(h, dl, text, clues(r), group);
  return li;
}

function decide(r, li) {
  let busy = false;
  li.addEventListener('click', async (ev) => {
    const kind = ev.target?.dataset?.decision;
    if (!kind || busy) return;
    busy = true;
    const buttons = li.querySelectorAll('button');
    for (const b of buttons) b.disabled = true;
    try {
      const id = encodeURIComponent(r.id);
      if (kind === 'spam') await call('POST', `/v1/staff/withheld-replies/${id}/spam`);
      else await call('POST', `/v1/staff/withheld-replies/${id}/release`);
      li.remove();
      $('decided').textContent = t(`js.decided.${kind}`, { title: r.listingTitle });
      show('decided');
    } catch (err) {
      if (err instanceof ApiResponse && (err.status === 409 || err.status === 404)) {
        // Decided by someone else meanwhile, or gone at the end of its keeping.
        li.remove();
        err.problem = { detail: t('js.conflict') };
      }
      showErrors(document.body, problemItems(err));
    } finally {
      busy = false;
      for (const b of buttons) b.disabled = false;
      $('queue-empty').hidden = $('queue').children.length > 0;
    }
  });
}

async function staff() {
  let cursor = '';
  const page = async () => {
    const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const answer = await call('GET', `/v1/staff/withheld-replies?limit=20${after}`);
    for (const r of answer.replies) {
      const li = item(r);
      decide(r, li);
      $('queue').append(li);
    }
    cursor = answer.next || '';
    $('more-replies').hidden = !cursor;
    $('queue-empty').hidden = $('queue').children.length > 0;
  };
  await page();
  $('more').addEventListener('click', () => page().catch(fail));
}

let run = staff;
if ($('request-form')) run = request;
else if ($('report-form')) run = async () => noReaction();
(run === staff ? guarded(staff) : run()).catch(fail);
