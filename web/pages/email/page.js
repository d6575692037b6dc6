import { api, bindTokenForm, reveal } from '../../assets/form.js';

const form = document.getElementById('form');

bindTokenForm(form, {
  body: (token) => ({ token }),
  send: (body) => api('POST', '/v1/accounts/email/confirm', body),
  done: () => reveal('done'),
});
