import { api, bindForm, reveal, t, value, lang } from '../../assets/form.js';

const form = document.getElementById('form');
const accepted = (name) => (form.elements.namedItem(name).checked ? form.elements.namedItem(name).value : '');

bindForm(form, {
  body: () => ({
    email: value(form, 'email'),
    language: lang,
    acceptedTermsVersion: accepted('acceptedTermsVersion'),
    acceptedPrivacyVersion: accepted('acceptedPrivacyVersion'),
  }),
  send: (body, key) => api('POST', '/v1/accounts', body, { idempotencyKey: key }),
  done: () => reveal('done'),
  fieldTexts: {
    'acceptedTermsVersion/required': t('js.termsRequired'),
    'acceptedPrivacyVersion/required': t('js.privacyRequired'),
  },
});
