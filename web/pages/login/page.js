import { api, bindForm, value, lang } from '../../assets/form.js';

const form = document.getElementById('form');

/**
 * next is where to go after signing in: the ?next= of a signed-in page that sent
 * the person here, only a path of this site in one of its languages (never
 * another origin: "//host" and "https://host" are ignored), else the home page.
 */
function next() {
  const raw = new URLSearchParams(window.location.search).get('next') || '';
  if (!/^\/(de|en)\//.test(raw)) return `/${lang}/`;
  const u = new URL(raw, window.location.origin);
  if (u.origin !== window.location.origin || !/^\/(de|en)\//.test(u.pathname)) return `/${lang}/`;
  return u.pathname + u.search + u.hash;
}

bindForm(form, {
  body: () => ({ email: value(form, 'email'), password: form.elements.namedItem('password').value }),
  send: (body) => api('POST', '/v1/sessions', body),
  done: () => window.location.assign(next()),
});
