// Identity confirmation (HGK-5): the start page reads the account's standing and,
// for an advertiser who has published a listing, starts the confirmation and
// follows the answer to the identity provider; the return page, where the
// provider sends the browser back, shows the outcome. A 401 leads to sign-in and
// back; a 429 says when to try again.

import { bindForm, problemItems, showErrors, t } from '../../assets/form.js';
import { call, show, when } from '../../assets/signedin.js';

const $ = (id) => document.getElementById(id);
const form = $('start-form');

async function load() {
  const st = await call('GET', '/v1/me/identity-confirmation');
  $('loading').hidden = true;
  if (st.confirmedAt) {
    $('confirmed-at').textContent = t('js.confirmedAt', { at: when(st.confirmedAt) });
    show('confirmed');
  } else if (!st.advertiser) {
    show('not-advertiser');
  } else if (form) {
    form.hidden = false;
  } else {
    show('not-confirmed');
  }
}

if (form) {
  bindForm(form, {
    body: () => ({}),
    send: () => call('POST', '/v1/me/identity-confirmation'),
    // The provider's page: the browser leaves the site and comes back to the
    // return page.
    done: (answer) => window.location.assign(answer.redirectUrl),
  });
}

load().catch((err) => {
  $('loading').hidden = true;
  showErrors(document.body, problemItems(err));
});
