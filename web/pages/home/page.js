import { api, t, lang, showSignedIn } from '../../assets/form.js';

const box = document.getElementById('account');

async function show() {
  let me;
  try {
    me = await api('GET', '/v1/me');
  } catch {
    return; // signed out (401) or unreachable: the page stays as it is
  }
  document.getElementById('account-text').textContent = t('js.signedIn', { email: me.email });
  // The links to the staff and admin pages, for those with the role (the pages
  // themselves still say "No access" to anyone else).
  const roles = me.roles || [];
  document.getElementById('for-network').hidden = !roles.includes('network');
  document.getElementById('for-staff').hidden = !roles.includes('staff');
  document.getElementById('for-admin').hidden = !roles.includes('admin');
  document.getElementById('signed-out').hidden = true;
  box.hidden = false;
  showSignedIn();
}

document.getElementById('signout').addEventListener('click', async (ev) => {
  ev.currentTarget.disabled = true;
  try {
    await api('DELETE', '/v1/sessions/current');
  } finally {
    window.location.assign(`/${lang}/`);
  }
});

show();
