// The staff pages: contract import (a CSV file sent with upload progress, then
// the per-row report), the contact requests queue (open, resolve after a
// confirmation) and the activation letters to print (print view, mark as
// printed after a confirmation). Someone without the staff role sees "No access".

import { ApiResponse, bindForm, clearErrors, csrfToken, lang, problemItems, showErrors, t, value } from '../../assets/form.js';
import { call, guarded, loginURL, requireRole, show, when } from '../../assets/signedin.js';

const $ = (id) => document.getElementById(id);

function el(name, text, className) {
  const e = document.createElement(name);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

// ---- Contract import ----

/** MAX_BYTES is the import's size limit (insurance.MaxImportBytes). */
const MAX_BYTES = 2 << 20;

const sizeFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });

/** checkFile says what is wrong with the chosen file before anything is sent. */
function checkFile(file) {
  if (!file) return t('js.file.missing');
  if (!/\.csv$/i.test(file.name)) return t('js.file.type');
  if (file.size > MAX_BYTES) return t('js.file.size', { size: `${sizeFormat.format(file.size / (1 << 20))} MB` });
  return '';
}

/**
 * sendFile sends file as text/csv with XMLHttpRequest (fetch reports no upload
 * progress), calling progress(loaded, total) as it goes. Like api(): the CSRF
 * token, the page's language, one retry with a fresh token after
 * csrf_token_invalid, a failed answer thrown as ApiResponse, a network failure
 * as TypeError, a 401 leading to sign-in and back.
 */
async function sendFile(method, path, file, progress) {
  for (let attempt = 0; ; attempt++) {
    const token = await csrfToken(attempt > 0);
    const xhr = await new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open(method, path);
      x.setRequestHeader('Content-Type', 'text/csv; charset=utf-8');
      x.setRequestHeader('Accept', 'application/json, application/problem+json');
      x.setRequestHeader('Accept-Language', lang);
      x.setRequestHeader('X-CSRF-Token', token);
      x.upload.addEventListener('progress', (ev) => { if (ev.lengthComputable) progress(ev.loaded, ev.total); });
      x.upload.addEventListener('load', () => progress(1, 1));
      x.addEventListener('load', () => resolve(x));
      for (const type of ['error', 'abort', 'timeout']) x.addEventListener(type, () => reject(new TypeError('network')));
      x.send(file);
    });
    let body = null;
    try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { /* not JSON */ }
    if (xhr.status >= 200 && xhr.status < 300) return body;
    const res = { status: xhr.status, headers: { get: (name) => xhr.getResponseHeader(name) } };
    const problem = body || { status: xhr.status, detail: '' };
    if (attempt === 0 && xhr.status === 403 && problem.code === 'csrf_token_invalid') continue;
    if (xhr.status === 401) {
      window.location.assign(loginURL());
      return new Promise(() => {});
    }
    throw new ApiResponse(res, problem);
  }
}

/** fileProblem puts what the API says about the file itself on the file field. */
function fileProblem(err) {
  if (!(err instanceof ApiResponse)) return err;
  const p = err.problem || {};
  if (err.status === 413) p.errors = [{ field: 'file', code: 'too_large', message: t('js.file.tooLarge') }];
  else if (err.status === 415) p.errors = [{ field: 'file', code: p.code, message: p.detail }];
  for (const e of p.errors || []) {
    if (e.field.startsWith('header.')) e.message = t('js.file.header', { column: e.field.slice(7), message: e.message });
    if (e.field === 'header' || e.field.startsWith('header.')) e.field = 'file';
  }
  err.problem = p;
  return err;
}

/** fieldName and codeText are the report's words for a column and a code. */
function fieldName(field) {
  const key = `js.field.${field}`;
  const name = t(key);
  return name === key ? field : name;
}

function codeText(field, code) {
  for (const key of [`js.code.${field}.${code}`, `js.code.${code}`]) {
    const text = t(key);
    if (text !== key) return text;
  }
  return code;
}

function showReport(rep) {
  const rejected = rep.rejected || [];
  const total = rep.rejectedRows ?? rejected.length;
  $('report-counts').textContent = t('js.report.counts', { rows: rep.rows, imported: rep.imported, rejected: total });
  // The API lists only the first rejected rows of a large file; say so, or the
  // table would pass for the whole list.
  $('report-truncated').textContent = rep.truncated ? t('js.report.truncated', { listed: rejected.length, rejected: total }) : '';
  $('report-truncated').hidden = !rep.truncated;
  const rows = $('report-rows');
  rows.replaceChildren();
  for (const r of rejected) {
    const tr = document.createElement('tr');
    const line = el('th', String(r.line));
    line.scope = 'row';
    const problems = el('ul', undefined, 'cell-list');
    for (const e of r.errors) problems.append(el('li', `${fieldName(e.field)}: ${codeText(e.field, e.code)}`));
    const cell = el('td');
    cell.append(problems);
    tr.append(line, el('td', r.contractNumber || '–'), cell);
    rows.append(tr);
  }
  $('report-table').hidden = rejected.length === 0;
  $('report-none').hidden = rejected.length > 0;
  show('report');
}

function imports() {
  const form = $('import-form');
  const input = $('file');
  const bar = $('progress');
  const status = $('progress-status');
  let spoken = -1; // the last quarter said aloud: the bar moves, the status speaks less often
  const progress = (loaded, total) => {
    const pct = Math.floor((loaded / total) * 100);
    bar.value = pct;
    const quarter = Math.floor(pct / 25);
    if (quarter > spoken && pct < 100) {
      spoken = quarter;
      status.textContent = t('js.progress.percent', { percent: pct });
    }
    if (pct === 100) status.textContent = t('js.progress.checking');
  };
  bindForm(form, {
    body: () => ({}),
    send: async () => {
      const file = input.files[0];
      const wrong = checkFile(file);
      if (wrong) throw new ApiResponse({ status: 400, headers: { get: () => null } }, { errors: [{ field: 'file', code: 'file', message: wrong }] });
      $('report').hidden = true;
      spoken = -1;
      bar.value = 0;
      $('progress-box').hidden = false;
      status.textContent = t('js.progress.start');
      try {
        return await sendFile('POST', '/v1/staff/contract-imports', file, progress);
      } catch (err) {
        status.textContent = t('js.progress.failed');
        throw fileProblem(err);
      } finally {
        $('progress-box').hidden = true;
      }
    },
    done: (rep) => {
      status.textContent = t('js.progress.done');
      showReport(rep);
    },
  });
}

// ---- Contact requests ----

let current = null; // the request opened

function fact(list, label, text, className) {
  if (text === undefined || text === null || text === '') return;
  const div = el('div');
  const dd = el('dd', text, className);
  div.append(el('dt', label), dd);
  list.append(div);
}

function openRequest(r) {
  current = r;
  $('request-title').textContent = t('js.request.title', { email: r.email });
  const facts = $('request-facts');
  facts.replaceChildren();
  fact(facts, t('js.request.createdAt'), when(r.createdAt));
  fact(facts, t('js.request.email'), r.email);
  fact(facts, t('js.request.name'), r.name);
  fact(facts, t('js.request.subject'), r.subject);
  fact(facts, t('js.request.message'), r.message, 'message-text');
  fact(facts, t('js.request.account'), r.accountId);
  if (r.consentVersion) fact(facts, t('js.request.consent'), t('js.request.consentValue', { version: r.consentVersion, at: when(r.consentAt) }));
  $('request-log').hidden = !r.appLog;
  $('request-log-text').textContent = r.appLog || '';
  $('resolve').hidden = true;
  show('request');
}

async function showRequests() {
  const { requests = [] } = await call('GET', '/v1/staff/contact-requests');
  const list = $('requests');
  list.replaceChildren();
  $('requests-count').textContent = requests.length ? t('js.requests.count', { n: requests.length }) : t('js.requests.none');
  for (const r of requests) {
    const li = el('li', undefined, 'item');
    const title = el('h2', r.subject || t('js.request.noSubject'), 'item-title');
    title.id = `req-${r.id}`;
    const meta = el('p', `${r.email} · ${t('js.request.meta', { at: when(r.createdAt) })}`, 'hint');
    const button = el('button', t('js.request.open'), 'button button-secondary');
    button.type = 'button';
    button.setAttribute('aria-describedby', title.id);
    button.addEventListener('click', () => openRequest(r));
    li.append(title, meta, button);
    list.append(li);
  }
}

function closeRequest() {
  $('resolve-form').reset();
  $('request').hidden = true;
  current = null;
}

async function requests() {
  await showRequests();
  $('request-close').addEventListener('click', closeRequest);
  $('resolve-start').addEventListener('click', () => {
    $('resolve-title').textContent = t('js.resolve.title', { email: current.email });
    show('resolve');
  });
  $('resolve-cancel').addEventListener('click', () => {
    $('resolve-form').reset();
    $('resolve').hidden = true;
    $('resolve-start').focus();
  });
  const form = $('resolve-form');
  bindForm(form, {
    body: () => {
      const years = value(form, 'retainYears');
      const body = { retainYears: years === '' ? 0 : Number(years) };
      const reason = value(form, 'retainReason');
      if (reason) body.retainReason = reason;
      return body;
    },
    send: (body) => call('POST', `/v1/staff/contact-requests/${encodeURIComponent(current.id)}/resolve`, body).catch(async (err) => {
      if (err instanceof ApiResponse && (err.status === 409 || err.status === 404)) {
        closeRequest();
        await showRequests();
        err.problem.detail = t('js.resolve.conflict');
      }
      throw err;
    }),
    done: async (r) => {
      closeRequest();
      await showRequests();
      $('resolve-done-text').textContent = t('js.resolve.done', { email: r.email });
      show('resolve-done');
    },
  });
}

// ---- Activation letters ----

let cursor = '';
let shown = [];
let marking = null; // the letter the confirmation is open for

function letterBox(l) {
  const box = el('article', undefined, 'letter');
  box.id = `letter-${l.id}`;
  box.setAttribute('aria-labelledby', `letter-${l.id}-title`);
  const title = el('h2', t('js.letter.title', { name: l.name }), 'no-print');
  title.id = `letter-${l.id}-title`;
  const meta = el('p', t('js.letter.meta', { at: when(l.createdAt), language: l.language, until: when(l.expiresAt) }), 'hint no-print');
  const address = el('address', undefined, 'letter-address');
  for (const line of [l.name, l.address.street, `${l.address.postalCode} ${l.address.city}`]) {
    address.append(el('span', line, 'letter-line'));
  }
  address.lang = l.language;
  const text = el('p', l.text, 'letter-text');
  text.lang = l.language;
  const buttons = el('div', undefined, 'button-group no-print');
  const print = el('button', t('js.letter.print'), 'button button-secondary');
  print.type = 'button';
  print.setAttribute('aria-describedby', title.id);
  print.addEventListener('click', () => printLetters(box));
  const printed = el('button', t('js.letter.printed'), 'button');
  printed.type = 'button';
  printed.setAttribute('aria-describedby', title.id);
  printed.addEventListener('click', () => {
    marking = l;
    $('printed-title').textContent = t('js.printed.title', { name: l.name });
    show('printed');
  });
  buttons.append(print, printed);
  box.append(title, meta, address, text, buttons);
  return box;
}

/** printLetters prints the one letter given, or every letter shown. */
function printLetters(one) {
  document.body.classList.toggle('print-one', !!one);
  if (one) one.classList.add('print-this');
  window.print();
  document.body.classList.remove('print-one');
  if (one) one.classList.remove('print-this');
}

function renderLetters() {
  $('letters').replaceChildren(...shown.map(letterBox));
  $('print-all').hidden = shown.length === 0;
  $('more-letters').hidden = !cursor;
  let text = t('js.letters.none');
  if (shown.length) text = t(cursor ? 'js.letters.countMore' : 'js.letters.count', { n: shown.length });
  $('letters-count').textContent = text;
}

async function loadLetters(fresh) {
  const q = new URLSearchParams();
  if (!fresh && cursor) q.set('cursor', cursor);
  const answer = await call('GET', `/v1/staff/activation-letters?${q}`);
  shown = fresh ? answer.letters : shown.concat(answer.letters);
  cursor = answer.next || '';
  renderLetters();
}

async function letters() {
  await loadLetters(true);
  $('print-all').addEventListener('click', () => printLetters(null));
  $('more-letters').addEventListener('click', () => loadLetters(false).catch(fail));
  $('printed-cancel').addEventListener('click', () => {
    $('printed').hidden = true;
    marking = null;
  });
  let busy = false;
  $('printed-confirm').addEventListener('click', async (ev) => {
    if (busy) return;
    busy = true;
    const button = ev.currentTarget;
    button.disabled = true;
    const l = marking;
    try {
      await call('DELETE', `/v1/staff/activation-letters/${encodeURIComponent(l.id)}`);
      clearErrors();
      $('printed').hidden = true;
      marking = null;
      shown = shown.filter((x) => x.id !== l.id);
      renderLetters();
      $('printed-done-text').textContent = t('js.printed.done', { name: l.name });
      show('printed-done');
    } catch (err) {
      if (err instanceof ApiResponse && err.status === 404) {
        $('printed').hidden = true;
        await loadLetters(true);
        err.problem.detail = t('js.printed.gone');
      }
      showErrors($('printed'), problemItems(err));
    } finally {
      busy = false;
      button.disabled = false;
    }
  });
}

// ---- Start ----

function fail(err) {
  showErrors(document.body, problemItems(err));
}

async function start() {
  if ($('import-form')) {
    // The import has nothing to read first; the role decides what is shown.
    await requireRole('staff');
    imports();
  } else if ($('resolve-form')) {
    await requests();
  } else {
    await letters();
  }
}

guarded(start).catch(fail);
