import { api, bindForm, reveal, takeToken } from '../../assets/form.js';

const token = takeToken();
const form = document.getElementById('form');

if (!token) {
  reveal('no-token');
} else {
  bindForm(form, {
    body: () => ({ token, password: form.elements.namedItem('password').value }),
    send: (body) => api('POST', form.dataset.endpoint, body),
    done: () => reveal('done'),
  });
}
