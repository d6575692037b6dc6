// My contact requests: the requests sent from the signed-in account, newest
// first, paged with "load older requests"; a 401 leads to sign-in and back.

import { problemItems, showErrors, t } from '../../assets/form.js';
import { call, when } from '../../assets/signedin.js';

const $ = (id) => document.getElementById(id);

let cursor = '';
let count = 0;

function fact(list, label, text, className) {
  if (!text) return;
  const div = document.createElement('div');
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = text;
  if (className) dd.className = className;
  div.append(dt, dd);
  list.append(div);
}

function item(r) {
  const li = document.createElement('li');
  li.className = 'item';
  const title = document.createElement('h2');
  title.className = 'item-title';
  title.textContent = r.subject || t('js.noSubject');
  const facts = document.createElement('dl');
  facts.className = 'facts';
  fact(facts, t('js.sent'), when(r.createdAt));
  fact(facts, t('js.status'), r.status === 'resolved' ? t('js.resolved', { at: when(r.resolvedAt) }) : t('js.open'));
  fact(facts, t('js.message'), r.message, 'message-text');
  if (r.appLog) fact(facts, t('js.appLog'), t('js.appLogSize', { n: r.appLog.length }));
  if (r.consentVersion) fact(facts, t('js.consent'), t('js.consentValue', { version: r.consentVersion, at: when(r.consentAt) }));
  if (r.retainUntil) fact(facts, t('js.retained'), t('js.retainedValue', { until: when(r.retainUntil), reason: r.retainReason || '' }));
  fact(facts, t('js.reference'), r.id);
  li.append(title, facts);
  return li;
}

async function page() {
  const q = new URLSearchParams();
  if (cursor) q.set('cursor', cursor);
  const answer = await call('GET', `/v1/me/contact-requests?${q}`);
  const list = $('mine');
  const first = list.children.length;
  for (const r of answer.requests) list.append(item(r));
  count += answer.requests.length;
  cursor = answer.next || '';
  $('more').hidden = !cursor;
  let text = t('js.none');
  if (count) text = t(cursor ? 'js.countMore' : 'js.count', { n: count });
  $('mine-count').textContent = text;
  // After "load older requests" the focus moves to the first one loaded.
  const added = list.children[first];
  if (first > 0 && added) {
    const h = added.querySelector('h2');
    h.tabIndex = -1;
    h.focus();
  }
}

function fail(err) {
  showErrors(document.body, problemItems(err));
}

$('more').addEventListener('click', () => page().catch(fail));
page().catch(fail);
