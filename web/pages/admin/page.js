import { ApiResponse, bindForm, lang, showErrors, t, value } from '../../assets/form.js';
import { call, guarded, onField, requireRole, show, when } from '../../assets/signedin.js';
import { honoraryOffice } from '../../assets/honorary.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

// ---- Legal holds ----

let lifting = null; // the hold the confirmation is open for

async function showHolds() {
  const holds = (await call('GET', '/v1/admin/holds')).holds || [];
  const list = $('holds');
  list.replaceChildren();
  $('holds-none').hidden = holds.length > 0;
  for (const h of holds) {
    const li = document.createElement('li');
    li.className = 'item';
    const name = document.createElement('h3');
    name.id = `hold-${h.accountId}`;
    name.textContent = t('js.hold.account', { id: h.accountId });
    const reason = document.createElement('p');
    reason.textContent = h.reason;
    const meta = document.createElement('p');
    meta.className = 'hint';
    meta.textContent = t('js.hold.meta', { at: when(h.placedAt), by: h.placedBy });
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button-secondary';
    button.textContent = t('js.hold.lift');
    button.setAttribute('aria-describedby', name.id);
    button.addEventListener('click', () => {
      lifting = h;
      $('lift-title').textContent = t('js.hold.liftTitle', { id: h.accountId });
      show('lift');
    });
    li.append(name, reason, meta, button);
    list.append(li);
  }
}

async function holds() {
  await showHolds();
  const place = $('place-form');
  bindForm(place, {
    body: () => ({ accountId: value(place, 'accountId'), reason: value(place, 'reason') }),
    send: (body, key) => call('POST', '/v1/admin/holds', body, { idempotencyKey: key }).catch((err) => {
      if (err instanceof ApiResponse && (err.status === 404 || err.problem?.code === 'hold_exists')) {
        err.problem.detail = t(err.status === 404 ? 'js.hold.unknown' : 'js.hold.exists');
        throw onField(err, err.problem.code, 'accountId');
      }
      throw err;
    }),
    done: async (h) => {
      place.reset();
      await showHolds();
      $('place-done-text').textContent = t('js.hold.placed', { id: h.accountId });
      show('place-done');
    },
  });

  const lift = $('lift-form');
  bindForm(lift, {
    body: () => ({ reason: value(lift, 'liftReason') }),
    send: (body) => call('DELETE', `/v1/admin/holds/${encodeURIComponent(lifting.accountId)}`, body).catch((err) => {
      if (err instanceof ApiResponse) {
        for (const e of err.problem?.errors || []) if (e.field === 'reason') e.field = 'liftReason';
      }
      throw err;
    }),
    done: async () => {
      const id = lifting.accountId;
      lift.reset();
      $('lift').hidden = true;
      lifting = null;
      await showHolds();
      $('lift-done-text').textContent = t('js.hold.lifted', { id });
      show('lift-done');
    },
  });
  $('lift-cancel').addEventListener('click', () => {
    lift.reset();
    $('lift').hidden = true;
    lifting = null;
  });
}

// ---- Members: invite (admin), network access (staff and admin) ----

async function members() {
  // Nothing to read first; the roles decide what is shown.
  const me = await requireRole('admin', 'staff');
  if (me.roles.includes('admin')) invite();
  networkAccess('grant-form', 'grantAccountId', 'js.network.granted', (path) => call('PUT', `/v1/admin/members/${path}/network`));
  networkAccess('remove-form', 'removeAccountId', 'js.network.removed', (path) => call('DELETE', `/v1/admin/members/${path}/network`));
  honoraryOffice(forAccount);
}

/**
 * networkAccess binds the form that gives or takes away (request, with the
 * escaped ID) the network role of the account whose ID is typed in field.
 */
function networkAccess(id, field, doneKey, request) {
  const form = $(id);
  bindForm(form, {
    body: () => ({ accountId: value(form, field) }),
    send: ({ accountId }) => {
      $('network-done').hidden = true; // a confirmation is about the last change only
      return forAccount(field, accountId, 'js.hold.unknown', request);
    },
    done: () => {
      const accountId = value(form, field);
      form.reset();
      $('network-done-text').textContent = t(doneKey, { id: accountId });
      show('network-done');
    },
  });
}

function invite() {
  $('invite').hidden = false;
  const form = $('invite-form');
  const checked = (name) => form.elements.namedItem(name).checked;
  bindForm(form, {
    body: () => {
      const b = { email: value(form, 'email'), language: value(form, 'language'), staff: checked('staff'), admin: checked('admin'), network: checked('network') };
      for (const name of ['firstName', 'lastName']) if (value(form, name)) b[name] = value(form, name);
      return b;
    },
    send: (body, key) => call('POST', '/v1/admin/members', body, { idempotencyKey: key }).catch((err) => {
      throw onField(err, 'email_taken', 'email');
    }),
    done: (m) => {
      form.reset();
      const roles = m.roles.map((r) => t(`js.role.${r}`)).join(', ');
      $('invite-done-text').textContent = t('js.invite.done', { email: m.email, roles });
      show('invite-done');
    },
  });
}

// ---- Statistics ----

function svg(name, attrs = {}) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function table(caption, head, rows) {
  const tbl = document.createElement('table');
  tbl.className = 'table visually-hidden';
  const cap = document.createElement('caption');
  cap.textContent = caption;
  const thead = document.createElement('thead');
  const tr = document.createElement('tr');
  for (const h of head) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    tr.append(th);
  }
  thead.append(tr);
  const tbody = document.createElement('tbody');
  for (const row of rows) {
    const r = document.createElement('tr');
    row.forEach((cell, i) => {
      const c = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) c.scope = 'row';
      c.textContent = cell;
      r.append(c);
    });
    tbody.append(r);
  }
  tbl.append(cap, thead, tbody);
  return tbl;
}

function titled(box, title, desc) {
  const s = svg('svg', { role: 'img', 'aria-labelledby': `${box.id}-t ${box.id}-d`, class: 'chart-svg' });
  const ti = svg('title', { id: `${box.id}-t` });
  ti.textContent = title;
  const de = svg('desc', { id: `${box.id}-d` });
  de.textContent = desc;
  s.append(ti, de);
  return s;
}

const num = new Intl.NumberFormat(lang);
const dayFormat = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** columns draws one vertical bar per entry ([label, value]), labels below. */
function columns(box, title, entries) {
  const max = Math.max(1, ...entries.map((e) => e[1]));
  const bw = 36; const gap = 12; const top = 24; const h = 180; const bottom = 40;
  const width = Math.max(320, entries.length * (bw + gap) + gap);
  const s = titled(box, title, t('js.stats.daysDesc', { max: num.format(max) }));
  s.setAttribute('viewBox', `0 0 ${width} ${top + h + bottom}`);
  s.setAttribute('width', width);
  s.setAttribute('height', top + h + bottom);
  s.append(svg('line', { x1: 0, x2: width, y1: top + h, y2: top + h, class: 'axis' }));
  entries.forEach(([label, v], i) => {
    const bh = Math.round((v / max) * h);
    const x = gap + i * (bw + gap);
    s.append(svg('rect', { x, y: top + h - bh, width: bw, height: Math.max(bh, v > 0 ? 1 : 0), class: 'bar' }));
    const val = svg('text', { x: x + bw / 2, y: top + h - bh - 6, 'text-anchor': 'middle', class: 'chart-value' });
    val.textContent = num.format(v);
    const lab = svg('text', { x: x + bw / 2, y: top + h + 18, 'text-anchor': 'middle', class: 'chart-label' });
    lab.textContent = label;
    s.append(val, lab);
  });
  return s;
}

/** bars draws one horizontal bar per entry ([label, value]), the label above it. */
function bars(box, title, entries) {
  const max = Math.max(1, ...entries.map((e) => e[1]));
  const width = 640; const row = 44; const bh = 18; const room = 80;
  const s = titled(box, title, t('js.stats.barsDesc', { max: num.format(max) }));
  const height = entries.length * row + 8;
  s.setAttribute('viewBox', `0 0 ${width} ${height}`);
  s.setAttribute('width', width);
  s.setAttribute('height', height);
  entries.forEach(([label, v], i) => {
    const y = i * row;
    const lab = svg('text', { x: 0, y: y + 16, class: 'chart-label' });
    lab.textContent = label;
    const bw = Math.round((v / max) * (width - room));
    s.append(lab, svg('rect', { x: 0, y: y + 22, width: Math.max(bw, v > 0 ? 1 : 0), height: bh, class: 'bar' }));
    const val = svg('text', { x: bw + 6, y: y + 36, class: 'chart-value' });
    val.textContent = num.format(v);
    s.append(val);
  });
  return s;
}

function chart(id, title, draw, entries, head, rows) {
  const box = $(id);
  box.replaceChildren();
  if (entries.length === 0) {
    const p = document.createElement('p');
    p.textContent = t('js.stats.empty');
    box.append(p);
    return;
  }
  box.append(draw(box, title, entries), table(title, head, rows));
}

function totals(days, pick) {
  const m = new Map();
  for (const d of days) for (const [k, v] of pick(d)) m.set(k, (m.get(k) || 0) + v);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

async function statistics() {
  const q = new URLSearchParams(window.location.search);
  const today = new Date();
  const to = q.get('to') || isoDay(today);
  const from = q.get('from') || isoDay(new Date(today.getTime() - 29 * 864e5));
  const form = $('range-form');
  form.elements.namedItem('from').value = from;
  form.elements.namedItem('to').value = to;
  const { mode, days = [] } = await call('GET', `/v1/admin/stats?${new URLSearchParams({ from, to })}`);
  $('stats-range').textContent = t('js.stats.range', { from, to, days: days.length });
  $('stats-mode').textContent = t('js.stats.mode', { mode });

  const visitors = days.map((d) => {
    const label = dayFormat.format(new Date(`${d.day}T00:00:00Z`));
    return [d.closed ? label : `${label}*`, d.visitors.reduce((n, v) => n + v.count, 0), d];
  });
  chart('chart-days', t('stats.days.title'), columns, visitors.map(([l, v]) => [l, v]),
    [t('js.stats.day'), t('js.stats.visitors')],
    visitors.map(([, v, d]) => [d.closed ? d.day : `${d.day} ${t('js.stats.open')}`, num.format(v)]));

  const routes = totals(days, (d) => d.routes.map((r) => [r.route, r.count]));
  const failed = totals(days, (d) => d.routes.filter((r) => r.statusClass >= '4xx').map((r) => [r.route, r.count]));
  const failedOf = new Map(failed);
  chart('chart-routes', t('stats.routes.title'), bars, routes,
    [t('js.stats.route'), t('js.stats.requests'), t('js.stats.failed')],
    routes.map(([r, n]) => [r, num.format(n), num.format(failedOf.get(r) || 0)]));

  const features = totals(days, (d) => d.features.map((f) => [f.name, f.count]));
  chart('chart-features', t('stats.features.title'), bars, features,
    [t('js.stats.feature'), t('js.stats.uses')],
    features.map(([f, n]) => [f, num.format(n)]));
}

// ---- Security records ----
// Nothing is read when the page opens: every read is audited, so only what the
// administrator asks for is fetched.

/** result fills the box with id with a visible table, or a paragraph when empty. */
function result(id, caption, head, rows, empty) {
  const box = $(id);
  if (rows.length === 0) {
    const p = document.createElement('p');
    p.textContent = empty;
    box.replaceChildren(p);
  } else {
    const tbl = table(caption, head, rows);
    tbl.classList.remove('visually-hidden');
    box.replaceChildren(tbl);
  }
  show(id);
}

/** evidenceEvent names an evidence record's event in the page's language. */
function evidenceEvent(event) {
  const names = { login: t('js.evidence.login'), 'login-link': t('js.evidence.loginLink') };
  return names[event] || event;
}

async function security() {
  await requireRole('admin');
  const evidence = $('evidence-form');
  bindForm(evidence, {
    body: () => ({ accountId: value(evidence, 'evidenceAccountId') }),
    send: ({ accountId }) => forAccount('evidenceAccountId', accountId, 'js.evidence.invalid',
      (path) => call('GET', `/v1/admin/evidence/${path}`)),
    done: (answer) => result('evidence-result', t('js.evidence.caption', { id: answer.accountId }),
      [t('js.col.at'), t('js.evidence.event'), t('js.col.ip')],
      (answer.records || []).map((r) => [when(r.at), evidenceEvent(r.event), r.ip]),
      t('js.evidence.none', { id: answer.accountId })),
  });
  const records = $('records-form');
  bindForm(records, {
    body: () => ({ day: records.elements.namedItem('day').value }),
    send: ({ day }) => {
      if (!day) return Promise.reject(fieldError(400, 'day', t('js.records.dayMissing')));
      return call('GET', `/v1/admin/request-logs?day=${encodeURIComponent(day)}`).catch((err) => {
        // 404: this deployment keeps no raw records (RequestLogMode is not security).
        if (err instanceof ApiResponse && err.status === 404) return { notKept: true };
        throw err;
      });
    },
    done: (answer) => {
      if (answer.notKept) {
        result('records-result', '', [], [], t('js.records.notKept'));
        return;
      }
      result('records-result', t('js.records.caption', { day: answer.day }),
        [t('js.col.at'), t('js.col.request'), t('js.col.status'), t('js.col.ip'), t('js.col.browser')],
        (answer.records || []).map((r) => [when(r.at), `${r.method} ${r.route}`, String(r.status), r.ip, r.userAgent || '']),
        t('js.records.none', { day: answer.day }));
    },
  });
}

/**
 * forAccount runs request with the account ID typed in field (path-escaped): an
 * empty ID is an error on the field, and so is an ID the API does not know
 * (404), saying unknown.
 */
function forAccount(field, accountId, unknown, request) {
  if (!accountId) return Promise.reject(fieldError(400, field, t('js.evidence.invalid')));
  return request(encodeURIComponent(accountId)).catch((err) => {
    if (err instanceof ApiResponse && err.status === 404) throw fieldError(404, field, t(unknown));
    throw err;
  });
}

/** fieldError is a failed answer, made by the page, that names field with text. */
function fieldError(status, field, text) {
  return new ApiResponse({ status, headers: { get: () => null } }, { status, errors: [{ field, message: text }] });
}

async function start() {
  if ($('place-form')) await holds();
  else if ($('grant-form')) await members();
  else if ($('evidence-form')) await security();
  else await statistics();
}

guarded(start).catch((err) => {
  const form = $('place-form') || $('grant-form') || $('evidence-form') || $('range-form');
  if (err instanceof ApiResponse && err.status === 400 && $('range-form')) {
    $('content').hidden = false;
    showErrors(form, (err.problem?.errors || []).map((e) => ({ field: e.field, text: e.message })).concat(err.problem?.errors?.length ? [] : [{ text: err.problem?.detail || t('js.unexpected') }]));
    return;
  }
  showErrors(form, [{ text: err?.problem?.detail || t('js.unexpected') }]);
});
