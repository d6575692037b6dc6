import { api, bindForm, reveal, takeToken } from '../../assets/form.js';

const token = takeToken();
const form = document.getElementById('form');

if (!token) {
  reveal('no-token');
} else {
  bindForm(form, {
    body: () => ({ token }),
    send: (body) => api('POST', '/v1/accounts/email/confirm', body),
    done: () => reveal('done'),
  });
}
