import { api, bindForm, reveal, value } from '../../assets/form.js';

const form = document.getElementById('form');

bindForm(form, {
  body: () => ({ email: value(form, 'email') }),
  send: (body) => api('POST', '/v1/password/forgot', body),
  done: () => reveal('done'),
});
