import { bindForm, lang, showErrors, t, value } from '../../assets/form.js';
import { bindProof, call, CANCELLED, onField, show, when, withProof } from '../../assets/signedin.js';

const $ = (id) => document.getElementById(id);

/** form binds the form with id; body defaults to none. */
function form(id, opts) {
  const f = $(id);
  bindForm(f, { body: () => undefined, ...opts });
  return f;
}

/** closed shows that the account is closed (erasure or objection to all). */
function closed(status) {
  $('content').hidden = true;
  $('closed-text').textContent = t(`js.closed.${status || 'done'}`);
  show('closed');
}

// ---- My account ----

function showProfile(me) {
  $('fact-email').textContent = me.email;
  $('fact-registered').textContent = when(me.registeredAt);
  $('fact-last-login').textContent = when(me.lastLoginAt) || t('js.never');
  $('fact-password-changed').textContent = when(me.passwordChangedAt) || t('js.never');
  const pending = $('email-pending');
  pending.hidden = !me.pendingEmail;
  pending.textContent = me.pendingEmail ? t('js.profile.pending', { email: me.pendingEmail }) : '';
  $('must-change').hidden = !me.mustChangePassword;
}

async function showDevices() {
  const { devices } = await call('GET', '/v1/me/devices');
  const list = $('devices');
  list.replaceChildren();
  $('devices-none').hidden = devices.length > 0;
  for (const d of devices) {
    const li = document.createElement('li');
    li.className = 'item';
    const name = document.createElement('strong');
    name.textContent = d.name;
    const meta = document.createElement('p');
    meta.textContent = t('js.devices.meta', { created: when(d.createdAt), used: when(d.lastUsedAt) || t('js.never') });
    const f = document.createElement('form');
    f.noValidate = true;
    const button = document.createElement('button');
    button.type = 'submit';
    button.className = 'button button-secondary';
    button.textContent = t('js.devices.remove');
    const hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    hidden.textContent = `: ${d.name}`;
    button.append(hidden);
    f.append(button);
    li.append(name, meta, f);
    list.append(li);
    bindForm(f, {
      body: () => undefined,
      send: () => call('DELETE', `/v1/me/devices/${encodeURIComponent(d.id)}`),
      done: async () => {
        await showDevices();
        $('devices-done-text').textContent = t('js.devices.removed', { name: d.name });
        show('devices-done');
      },
    });
  }
}

async function account() {
  const me = await call('GET', '/v1/me');
  showProfile(me);
  const profile = $('profile-form');
  profile.elements.namedItem('firstName').value = me.firstName || '';
  profile.elements.namedItem('lastName').value = me.lastName || '';
  profile.elements.namedItem('language').value = me.language;
  bindForm(profile, {
    body: () => ({ firstName: value(profile, 'firstName'), lastName: value(profile, 'lastName'), language: profile.elements.namedItem('language').value }),
    send: (body) => call('PATCH', '/v1/me', body),
    done: (answer) => { showProfile(answer); show('profile-done'); },
  });

  const email = $('email-form');
  bindForm(email, {
    body: () => ({ email: value(email, 'email') }),
    send: (body) => withProof(() => call('PATCH', '/v1/me', body)),
    done: (answer) => {
      if (answer === CANCELLED) return;
      showProfile(answer);
      $('email-done-text').textContent = t('js.email.done', { email: answer.pendingEmail || value(email, 'email') });
      email.elements.namedItem('email').value = '';
      show('email-done');
    },
  });

  const password = $('password-form');
  bindForm(password, {
    body: () => ({ currentPassword: password.elements.namedItem('currentPassword').value, newPassword: password.elements.namedItem('newPassword').value }),
    send: (body) => call('PUT', '/v1/me/password', body).catch((err) => {
      throw onField(err, 'current_password_wrong', 'currentPassword');
    }),
    done: (answer) => {
      password.reset();
      showProfile(answer.profile);
      show('password-done');
    },
  });

  form('signout-form', {
    send: () => call('DELETE', '/v1/sessions/current'),
    done: () => window.location.assign(`/${lang}/`),
  });
  await showDevices();
}

// ---- Privacy centre ----

function purposeName(id) {
  const key = `js.purpose.${id}`;
  const name = t(key);
  return name === key ? id : name;
}

async function showConsents() {
  const list = await call('GET', '/v1/me/consents');
  const box = $('consents');
  box.replaceChildren();
  for (const p of list.purposes) {
    const current = list.current.find((c) => c.purpose === p.id);
    const section = document.createElement('div');
    section.className = 'item consent';
    section.id = `consent-${p.id}`;
    const h = document.createElement('h3');
    h.id = `consent-${p.id}-title`;
    h.textContent = purposeName(p.id);
    const desc = document.createElement('p');
    desc.textContent = p.description[lang] || p.description.en;
    const version = document.createElement('p');
    version.className = 'hint';
    version.textContent = t('js.consent.version', { version: p.version, basis: p.legalBasis });
    const state = document.createElement('p');
    state.className = 'consent-state';
    const strong = document.createElement('strong');
    if (current?.granted) strong.textContent = t('js.consent.granted', { at: when(current.grantedAt), version: current.textVersion });
    else if (current?.withdrawnAt) strong.textContent = t('js.consent.withdrawn', { at: when(current.withdrawnAt) });
    else strong.textContent = t('js.consent.none');
    state.append(strong);

    const f = consentForm(t(current?.granted ? 'js.consent.withdraw' : 'js.consent.grant'), current?.granted ? 'button button-secondary' : 'button', h.id);
    // A consent given to an earlier text still counts for what that text named;
    // confirming the current one withdraws nothing (docs/privacy.md).
    const renewal = [];
    if (current?.granted && current.textVersion !== p.version) {
      const note = document.createElement('p');
      note.className = 'warning-text';
      note.textContent = t('js.consent.outdated', { version: current.textVersion, current: p.version });
      const confirm = consentForm(t('js.consent.confirm', { version: p.version }), 'button', h.id);
      confirm.id = `consent-${p.id}-confirm`;
      renewal.push(note, confirm);
      bindForm(confirm, {
        body: () => undefined,
        send: () => call('PUT', `/v1/me/consents/${encodeURIComponent(p.id)}`, { textVersion: p.version }),
        done: () => consentDone('js.consent.confirmedDone', p.id),
      });
    }

    const hh = document.createElement('h4');
    hh.textContent = t('js.consent.history');
    const events = list.history.filter((e) => e.purpose === p.id);
    const history = document.createElement('ul');
    history.className = 'list history';
    for (const e of events) {
      const li = document.createElement('li');
      li.textContent = t(`js.consent.event.${e.action}`, { at: when(e.at), version: e.textVersion });
      history.append(li);
    }
    const none = document.createElement('p');
    none.textContent = t('js.consent.noHistory');
    section.append(h, desc, version, state, ...renewal, f, hh, events.length ? history : none);
    box.append(section);

    const granted = !!current?.granted;
    bindForm(f, {
      body: () => undefined,
      send: () => (granted
        ? call('DELETE', `/v1/me/consents/${encodeURIComponent(p.id)}`)
        : call('PUT', `/v1/me/consents/${encodeURIComponent(p.id)}`, { textVersion: p.version })),
      done: (answer) => consentDone(granted ? 'js.consent.withdrawnDone' : 'js.consent.grantedDone', p.id,
        granted && answer?.deletedItems > 0 ? t('js.consent.deleted', { n: answer.deletedItems }) : ''),
    });
  }
}

/** consentForm is a form of one submit button labelled text, described by the purpose's heading. */
function consentForm(text, className, describedBy) {
  const f = document.createElement('form');
  f.noValidate = true;
  const button = document.createElement('button');
  button.type = 'submit';
  button.className = className;
  button.textContent = text;
  button.setAttribute('aria-describedby', describedBy);
  f.append(button);
  return f;
}

/** consentDone shows the consents afresh and confirms what was done (key), focused. */
async function consentDone(key, purpose, more = '') {
  await showConsents();
  $('consents-done-text').textContent = t(key, { purpose: purposeName(purpose) }) + more;
  show('consents-done');
}

function showRestriction(restricted) {
  $('restriction-state').textContent = t(restricted ? 'js.restriction.on' : 'js.restriction.off');
  $('restriction-button').textContent = t(restricted ? 'js.restriction.lift' : 'js.restriction.restrict');
  $('restriction-form').dataset.restricted = String(restricted);
}

let exportURL = '';

async function privacyCentre() {
  await showConsents();

  const status = $('export-status');
  form('export-form', {
    send: async () => {
      status.textContent = t('js.export.preparing');
      try {
        return await call('GET', '/v1/me/export');
      } finally {
        status.textContent = '';
      }
    },
    done: (doc) => {
      const file = `kontor-${doc.generatedAt.slice(0, 10)}.json`;
      if (exportURL) URL.revokeObjectURL(exportURL);
      exportURL = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }));
      const link = $('export-link');
      link.href = exportURL;
      link.download = file;
      $('export-again').hidden = false;
      status.textContent = t('js.export.ready', { file });
      link.click();
    },
  });

  const restriction = form('restriction-form', {
    send: () => (restriction.dataset.restricted === 'true' ? call('DELETE', '/v1/me/restriction') : call('PUT', '/v1/me/restriction')),
    done: (answer) => {
      showRestriction(answer.restricted);
      $('restriction-done-text').textContent = t(answer.restricted ? 'js.restriction.restricted' : 'js.restriction.lifted');
      show('restriction-done');
    },
  });
  showRestriction((await call('GET', '/v1/me/restriction')).restricted);

  form('objection-marketing-form', {
    send: () => withProof(() => call('PUT', '/v1/me/objection', { scope: 'marketing' })),
    done: async (answer) => {
      if (answer === CANCELLED) return;
      await showConsents();
      show('objection-done');
    },
  });
  form('objection-all-form', {
    send: () => withProof(() => call('PUT', '/v1/me/objection', { scope: 'all' })),
    done: (answer) => { if (answer !== CANCELLED) closed('done'); },
  });

  const erasure = $('erasure-form');
  bindForm(erasure, {
    body: () => undefined,
    send: () => {
      if (!erasure.elements.namedItem('understood').checked) {
        return Promise.resolve(null);
      }
      return withProof(() => call('DELETE', '/v1/me'));
    },
    done: (answer) => {
      if (answer === CANCELLED) return;
      if (answer === null) {
        showErrors(erasure, [{ field: 'understood', text: t('js.erasure.understood') }]);
        return;
      }
      closed(answer.status);
    },
  });
}

async function start() {
  bindProof();
  if ($('profile-form')) await account();
  else await privacyCentre();
  $('loading').hidden = true;
  $('content').hidden = false;
}

start().catch((err) => {
  $('loading').hidden = true;
  showErrors($('proof-form'), [{ text: err?.problem?.detail || t('js.unexpected') }]);
});
