import { api, ApiResponse, bindForm, lang, nextPath, reveal, value } from '../../assets/form.js';

const form = document.getElementById('form');

bindForm(form, {
  body: () => ({ email: value(form, 'email'), password: form.elements.namedItem('password').value }),
  send: (body) => api('POST', '/v1/sessions', body),
  done: () => window.location.assign(nextPath()),
});

// Sign-in by mailed link: the link carries the page to open afterwards. The
// answer is the same whether or not the address has access.
const linkForm = document.getElementById('link-form');
const next = nextPath();

bindForm(linkForm, {
  body: () => ({ email: value(linkForm, 'linkEmail'), language: lang, ...(next === `/${lang}/` ? {} : { next }) }),
  send: async (body) => {
    try {
      return await api('POST', '/v1/sessions/link', body);
    } catch (err) {
      // The API names the field "email"; on this page it is the link form's own.
      if (err instanceof ApiResponse) {
        for (const fe of err.problem?.errors || []) if (fe.field === 'email') fe.field = 'linkEmail';
      }
      throw err;
    }
  },
  done: () => {
    linkForm.hidden = true;
    reveal('link-done');
  },
});
