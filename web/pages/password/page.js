import { api, bindTokenForm, reveal } from '../../assets/form.js';

const form = document.getElementById('form');

bindTokenForm(form, {
  body: (token) => ({ token, password: form.elements.namedItem('password').value }),
  send: (body) => api('POST', form.dataset.endpoint, body),
  done: () => reveal('done'),
});
