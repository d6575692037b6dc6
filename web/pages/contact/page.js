// The contact form, with or without an account: signed in, the account's address
// is used (POST /v1/me/contact-requests) and the address and name fields go away.
import { api, bindForm, reveal, t, value } from '../../assets/form.js';

const form = document.getElementById('form');

async function whoIsSignedIn() {
  try {
    return await api('GET', '/v1/me');
  } catch {
    return null; // signed out (401) or unreachable: the form without an account
  }
}

const ready = whoIsSignedIn().then((me) => {
  if (!me) return false;
  document.getElementById('anonymous-fields').hidden = true;
  document.getElementById('signed-in-text').textContent = t('js.signedIn', { email: me.email });
  document.getElementById('signed-in').hidden = false;
  return true;
});

// Only what was given is sent; the consent only when it is ticked.
function given(fields) {
  const out = {};
  for (const [k, v] of Object.entries(fields)) if (v) out[k] = v;
  return out;
}

bindForm(form, {
  body: () => ({
    email: value(form, 'email'),
    name: value(form, 'name'),
    subject: value(form, 'subject'),
    message: value(form, 'message'),
    consentVersion: form.elements.namedItem('consentVersion').checked ? form.elements.namedItem('consentVersion').value : '',
  }),
  send: async (b, key) => {
    const signedIn = await ready;
    const { email, name, ...rest } = b;
    if (signedIn) return api('POST', '/v1/me/contact-requests', given(rest), { idempotencyKey: key });
    return api('POST', '/v1/contact-requests', given({ email, name, ...rest }), { idempotencyKey: key });
  },
  done: (receipt) => {
    document.getElementById('done-reference').textContent = t('js.reference', { id: receipt.id });
    reveal('done');
  },
  fieldTexts: {
    'consentVersion/required': t('js.consentRequired'),
    'consentVersion/outdated': t('js.consentOutdated'),
  },
});
