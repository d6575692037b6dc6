// What the signed-in pages share: a 401 leads to sign-in and back here, and a
// route that needs a fresh proof of the person (403 reauthentication_required)
// asks for the password once (POST /v1/sessions/current/confirm) and is then
// tried again.

import { api, ApiResponse, bindForm, clearErrors, lang, showSignedIn } from './form.js';

/**
 * loginURL is the sign-in page that comes back to this page afterwards, with its
 * query (the listing a page such as the statistics or the photos is about, the
 * group a group page shows).
 */
export function loginURL() {
  return `/${lang}/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
}

/**
 * call is api() for a signed-in page: a 401 (no session, or it ended) goes to
 * sign-in and back, and the returned promise never settles.
 */
export async function call(method, path, body, opts) {
  try {
    const answer = await api(method, path, body, opts);
    showSignedIn();
    return answer;
  } catch (err) {
    if (err instanceof ApiResponse && err.status === 401) {
      window.location.assign(loginURL());
      return new Promise(() => {});
    }
    throw err;
  }
}

/** CANCELLED is what withProof returns when the person cancels the prompt. */
export const CANCELLED = Symbol('cancelled');

let waiting = null; // resolves the open prompt: true confirmed, false cancelled

function needsProof(err) {
  return err instanceof ApiResponse && err.status === 403 && err.problem?.code === 'reauthentication_required';
}

/**
 * bindProof binds the password prompt (#proof with #proof-form and
 * #proof-cancel) of the page.
 */
export function bindProof() {
  const box = document.getElementById('proof');
  const form = document.getElementById('proof-form');
  const input = form.elements.namedItem('password');
  const close = (ok) => {
    box.hidden = true;
    input.value = '';
    const w = waiting;
    waiting = null;
    if (w) w(ok);
  };
  bindForm(form, {
    body: () => ({ password: input.value }),
    send: (body) => call('POST', '/v1/sessions/current/confirm', body).catch((err) => {
      throw onField(err, 'current_password_wrong', 'password');
    }),
    done: () => close(true),
  });
  document.getElementById('proof-cancel').addEventListener('click', () => close(false));
}

function ask() {
  const box = document.getElementById('proof');
  clearErrors(); // what was wrong before is answered; the prompt is what is asked now
  box.hidden = false;
  box.focus();
  return new Promise((resolve) => { waiting = resolve; });
}

/**
 * withProof runs send(); when the route answers that it needs a fresh proof, it
 * asks for the password and, once confirmed, runs send() again. A cancelled
 * prompt gives CANCELLED.
 */
export async function withProof(send) {
  try {
    return await send();
  } catch (err) {
    if (!needsProof(err)) throw err;
  }
  if (!(await ask())) return CANCELLED;
  return send();
}

/**
 * onField puts a problem without a field (code) on the form's field, so the
 * summary links to it and the field shows it inline.
 */
export function onField(err, code, field) {
  if (err instanceof ApiResponse && err.problem?.code === code && !(err.problem.errors || []).length) {
    err.problem.errors = [{ field, code, message: err.problem.detail }];
  }
  return err;
}

const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });

/** when formats an API time for the page's language ('' for none). */
export function when(iso) {
  return iso ? dateFormat.format(new Date(iso)) : '';
}

/** show reveals the element with id and gives it the focus. */
export function show(id) {
  const el = document.getElementById(id);
  el.hidden = false;
  el.focus();
}

/** refused is the API's answer to someone without the role, made by the page. */
function refused() {
  return new ApiResponse({ status: 403, headers: { get: () => null } }, {});
}

/**
 * requireRole reads GET /v1/me and refuses as the API would (403) when the
 * person holds none of roles: for a page behind a role that reads nothing
 * first. It returns the person (GET /v1/me), whose roles may decide what the
 * page shows.
 */
export async function requireRole(...roles) {
  const me = await call('GET', '/v1/me');
  if (!roles.some((r) => (me.roles || []).includes(r))) throw refused();
  return me;
}

/**
 * guarded runs load() for a page behind a role: #loading while it runs, then
 * #content; a 403 or 404 shows "No access" (#denied) and no data.
 */
export async function guarded(load) {
  const loading = document.getElementById('loading');
  try {
    await load();
  } catch (err) {
    loading.hidden = true;
    if (err instanceof ApiResponse && (err.status === 403 || err.status === 404)) {
      show('denied');
      return;
    }
    throw err;
  }
  loading.hidden = true;
  document.getElementById('content').hidden = false;
}
