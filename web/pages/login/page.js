import { api, bindForm, value, lang } from '../../assets/form.js';

const form = document.getElementById('form');

bindForm(form, {
  body: () => ({ email: value(form, 'email'), password: form.elements.namedItem('password').value }),
  send: (body) => api('POST', '/v1/sessions', body),
  done: () => window.location.assign(`/${lang}/`),
});
