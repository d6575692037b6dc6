// The site's one shared module: calls to the JSON API on the same origin (CSRF
// double submit, Idempotency-Key) and the form pattern every page uses: an error
// summary at the top with links to the fields, inline field errors, the submit
// button disabled while a request runs, what was typed kept on failure.

const messages = JSON.parse(document.getElementById('kontor-messages')?.textContent || '{}');

/** t returns the page's text for key, with {name} replaced from vars. */
export function t(key, vars = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

export const lang = document.documentElement.lang;

let csrf = null;

/** csrfToken returns the X-CSRF-Token value, a fresh one when asked (for a request sent without api()). */
export async function csrfToken(fresh) {
  if (csrf && !fresh) return csrf;
  const res = await fetch('/v1/csrf', { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new ApiResponse(res, await readProblem(res));
  csrf = (await res.json()).csrfToken;
  return csrf;
}

/** ApiResponse carries a failed answer and its problem document. */
export class ApiResponse extends Error {
  constructor(res, problem) {
    super(`HTTP ${res.status}`);
    this.status = res.status;
    this.retryAfter = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    this.problem = problem;
  }
}

async function readProblem(res) {
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { return await res.json(); } catch { /* not a problem document */ }
  }
  return { status: res.status, detail: '' };
}

/**
 * api sends one request to the API and returns the parsed JSON answer (null when
 * it has none). A failed answer throws ApiResponse; a network failure throws
 * TypeError. State-changing requests carry the CSRF token; one refused as
 * csrf_token_invalid is sent once more with a fresh token.
 */
export async function api(method, path, body, { idempotencyKey } = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = { Accept: 'application/json, application/problem+json', 'Accept-Language': lang };
    if (method !== 'GET') headers['X-CSRF-Token'] = await csrfToken(attempt > 0);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    const res = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.ok) {
      const text = await res.text();
      return text ? JSON.parse(text) : null;
    }
    const problem = await readProblem(res);
    if (attempt === 0 && res.status === 403 && problem.code === 'csrf_token_invalid') continue;
    throw new ApiResponse(res, problem);
  }
}

function duration(seconds) {
  if (seconds >= 120) return t('js.minutes', { n: Math.ceil(seconds / 60) });
  return t('js.seconds', { n: seconds });
}

const baseTitle = document.title;

/**
 * clearErrors removes the summary and every inline error on the page (a page may
 * hold several forms sharing the one summary).
 */
export function clearErrors() {
  const summary = document.getElementById('error-summary');
  if (summary) {
    summary.hidden = true;
    summary.querySelector('ul').replaceChildren();
  }
  for (const field of document.querySelectorAll('.field')) {
    field.classList.remove('field-invalid');
    const err = field.querySelector('.field-error');
    err.hidden = true;
    err.replaceChildren();
    const input = field.querySelector('input, select, textarea');
    input.removeAttribute('aria-invalid');
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== err.id);
    if (described.length) input.setAttribute('aria-describedby', described.join(' '));
    else input.removeAttribute('aria-describedby');
  }
  document.title = baseTitle;
}

/**
 * showErrors fills the error summary: one entry per item ({text, field}), linked
 * to the field when the form has it, the field's inline error set too; then the
 * summary takes the focus.
 */
export function showErrors(form, items) {
  clearErrors(form);
  const summary = document.getElementById('error-summary');
  const list = summary.querySelector('ul');
  for (const item of items) {
    const li = document.createElement('li');
    const field = item.field && form.querySelector(`.field[data-field="${CSS.escape(item.field)}"]`);
    if (field) {
      const input = field.querySelector('input, select, textarea');
      const a = document.createElement('a');
      a.href = `#${input.id}`;
      a.textContent = item.text;
      a.addEventListener('click', (ev) => { ev.preventDefault(); input.focus(); });
      li.append(a);
      field.classList.add('field-invalid');
      const err = field.querySelector('.field-error');
      if (err.hidden) {
        const prefix = document.createElement('span');
        prefix.className = 'visually-hidden';
        prefix.textContent = `${t('js.errorPrefix')} `;
        err.append(prefix);
      } else {
        err.append(' ');
      }
      err.append(item.text);
      err.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (!described.includes(err.id)) input.setAttribute('aria-describedby', [...described, err.id].join(' '));
    } else {
      li.textContent = item.text;
    }
    list.append(li);
  }
  summary.hidden = false;
  document.title = t('js.titlePrefix') + baseTitle;
  summary.focus();
}

/**
 * showSignedIn switches the header's navigation to the signed-in links (my
 * account instead of sign in and request access), once a call made with the
 * session has succeeded. The page is static; only a call knows the session.
 */
export function showSignedIn() {
  for (const li of document.querySelectorAll('[data-signed]')) {
    li.hidden = li.dataset.signed !== 'in';
  }
}

/** problemItems turns a failed call into the summary's entries. */
export function problemItems(err, fieldTexts = {}) {
  if (!(err instanceof ApiResponse)) return [{ text: t('js.network') }];
  const p = err.problem || {};
  const items = [];
  for (const fe of p.errors || []) {
    items.push({ field: fe.field, text: fieldTexts[`${fe.field}/${fe.code}`] || fe.message || p.detail });
  }
  if (items.length === 0) items.push({ text: p.detail || t('js.unexpected') });
  if ((err.status === 429 || err.status === 503) && err.retryAfter > 0) {
    items.push({ text: t('js.retryAfter', { time: duration(err.retryAfter) }) });
  }
  return items;
}

function newKey() {
  return crypto.randomUUID();
}

/**
 * bindForm sends form through send(body, idempotencyKey) on submit, one request
 * at a time: the submit button is disabled while it runs, so a double click sends
 * one request. A definite answer ends the key; after a network failure the next
 * attempt repeats the same key, so a request that did arrive is not done twice.
 * On success done(answer) runs; on failure the summary shows why and every input
 * keeps its value.
 */
export function bindForm(form, { body, send, done, fieldTexts }) {
  let busy = false;
  let key = null;
  let sentBody = '';
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    const b = body(form);
    const json = JSON.stringify(b);
    if (key === null || json !== sentBody) key = newKey();
    sentBody = json;
    try {
      const answer = await send(b, key);
      key = null;
      clearErrors(form);
      await done(answer);
    } catch (err) {
      if (err instanceof ApiResponse) key = null;
      showErrors(form, problemItems(err, fieldTexts));
    } finally {
      busy = false;
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

/** reveal shows the element with id (hiding the form area) and focuses it. */
export function reveal(id) {
  const area = document.getElementById('form-area');
  if (area) area.hidden = true;
  const el = document.getElementById(id);
  el.hidden = false;
  el.focus();
}

/** value returns the trimmed value of the form's input name. */
export function value(form, name) {
  return form.elements.namedItem(name).value.trim();
}

/**
 * bindTokenForm binds the form of a page a mailed link opens: without the link's
 * token the page shows #no-token instead; with it, the form is bound as bindForm
 * does, body(token) making the request's body.
 */
export function bindTokenForm(form, { body, ...rest }) {
  const token = takeToken();
  if (!token) {
    reveal('no-token');
    return;
  }
  bindForm(form, { ...rest, body: () => body(token) });
}

/**
 * nextPath is where to go after signing in: the ?next= of the address (read it
 * before takeToken clears the query), only a path of this site in one of its
 * languages (never another origin: "//host" and "https://host" are ignored), else
 * the home page.
 */
export function nextPath() {
  const raw = new URLSearchParams(window.location.search).get('next') || '';
  if (!/^\/(de|en)\//.test(raw)) return `/${lang}/`;
  const u = new URL(raw, window.location.origin);
  if (u.origin !== window.location.origin || !/^\/(de|en)\//.test(u.pathname)) return `/${lang}/`;
  return u.pathname + u.search + u.hash;
}

/**
 * takeToken reads the token of a mailed link, from the query (?token=…) or the
 * fragment (#token=…), and takes it out of the address bar, so that it is neither
 * kept in the history nor shown on screen.
 */
export function takeToken() {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  const fromQuery = new URLSearchParams(window.location.search).get('token');
  if (fromHash || fromQuery) window.history.replaceState(null, '', window.location.pathname);
  return fromHash || fromQuery || '';
}
