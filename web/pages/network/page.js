// The members' network: my profile (mandatory details, birthdate with its
// visibility, voluntary details and the picture on consent) and another member's
// profile as the reader may see it. Pictures are shown from the picture bucket
// by the short-lived links the profile reads answer. A person without the network role gets 404 from every
// network route; the page then says "No access" and shows no data.

import { ApiResponse, bindForm, lang, showErrors, t, value } from '../../assets/form.js';
import { call, show } from '../../assets/signedin.js';
import { bindUpload, fileProblem } from '../../assets/upload.js';
import { bindConnect } from '../../assets/connect.js';
import { showRegister } from '../../assets/registersync.js';

const $ = (id) => document.getElementById(id);

const MANDATORY = ['firstName', 'lastName', 'gender', 'company', 'roleInCompany', 'companyWebsite', 'street', 'houseNumber',
  'postalCode', 'city', 'country', 'phone', 'fax', 'email'];
const LISTS = ['expertise', 'languages'];
const VOLUNTARY = ['about', 'expertise', 'languages', 'companyDescription', 'industry', 'companySize'];

const birthdateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });

/** shown is a detail as the page shows it: enums by name, lists joined. */
function shown(field, v) {
  if (field === 'gender') return t(`js.gender.${v}`);
  if (field === 'companySize') return t(`js.size.${v}`);
  if (field === 'birthdate') return birthdateFormat.format(new Date(`${v}T00:00:00Z`));
  return Array.isArray(v) ? v.join(', ') : v;
}

const given = (v) => (Array.isArray(v) ? v.length > 0 : !!v);

// ---- My profile ----

let current = null; // the profile as last read or saved (its version goes with every change)

function splitList(s) {
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}

function hideDone() {
  $('saved').hidden = true;
  $('voluntary-saved').hidden = true;
}

function patch(body) {
  hideDone();
  return call('PATCH', '/v1/me/profile', { version: current.version, ...body });
}

function confirmDone(id, text) {
  $(`${id}-text`).textContent = text;
  show(id);
}

function showVoluntaryList(p) {
  const list = $('voluntary-list');
  list.replaceChildren();
  const stored = VOLUNTARY.filter((f) => given(p[f]));
  $('voluntary-none').hidden = stored.length > 0;
  for (const field of stored) {
    const li = document.createElement('li');
    li.className = 'item';
    const name = document.createElement('strong');
    name.id = `stored-${field}`;
    name.textContent = t(`js.f.${field}`);
    const text = document.createElement('p');
    text.textContent = shown(field, p[field]);
    const f = document.createElement('form');
    f.noValidate = true;
    const button = document.createElement('button');
    button.type = 'submit';
    button.className = 'button button-secondary';
    button.textContent = t('js.remove');
    button.setAttribute('aria-describedby', name.id);
    f.append(button);
    li.append(name, text, f);
    list.append(li);
    bindForm(f, {
      body: () => undefined,
      send: () => patch({ [field]: null }),
      done: (answer) => {
        fill(answer);
        confirmDone('voluntary-saved', t('js.removed', { field: t(`js.f.${field}`) }));
      },
    });
  }
}

/** fill puts the profile into both forms and the list of voluntary details. */
function fill(p) {
  current = p;
  const pf = $('profile-form');
  for (const f of [...MANDATORY, 'birthdate']) pf.elements.namedItem(f).value = p[f] || '';
  pf.elements.namedItem('birthdateVisible').checked = !!p.birthdateVisible;
  const vf = $('voluntary-form');
  for (const f of VOLUNTARY) vf.elements.namedItem(f).value = LISTS.includes(f) ? (p[f] || []).join(', ') : p[f] || '';
  $('incomplete').hidden = !!p.complete;
  $('consent-missing').hidden = !!p.voluntaryConsent;
  $('consent-given').hidden = !p.voluntaryConsent;
  // A consent to the earlier text covers the details it named, not the picture.
  $('picture-consent-outdated').hidden = !p.voluntaryConsent || !!p.pictureConsent;
  showVoluntaryList(p);
  showPicture(p.picture);
}

// ---- My picture ----

/** showPicture shows the stored picture (its large size) with its remove button, or says there is none. */
function showPicture(pic) {
  $('picture-none').hidden = !!pic;
  $('picture-shown').hidden = !pic;
  $('picture-confirm').hidden = true;
  if (pic) $('picture-img').src = pic.large;
  else $('picture-img').removeAttribute('src');
}

// The problems of the picture's calls that are about the file itself.
const onPicture = fileProblem(['picture_type_not_allowed', 'picture_too_large', 'picture_not_accepted', 'picture_not_uploaded',
  'picture_not_declared', 'voluntary_consent_required', 'picture_consent_outdated']);

function pictureDone(text) {
  $('picture-done-text').textContent = text;
  show('picture-done');
}

/** bindPicture uploads a picture (declared, sent with progress, then checked) and removes it after a confirmation. */
function bindPicture() {
  bindUpload($('upload-form'), {
    declare: (file, contentType) => call('PUT', '/v1/me/profile/picture', { contentType, size: file.size }),
    complete: () => call('POST', '/v1/me/profile/picture/complete'),
    problem: onPicture,
    before: () => { $('picture-done').hidden = true; },
    done: (answer) => {
      fill(answer);
      pictureDone(t('js.picture.done'));
    },
  });
  $('picture-remove').addEventListener('click', () => {
    $('picture-done').hidden = true;
    show('picture-confirm');
  });
  $('picture-cancel').addEventListener('click', () => {
    $('picture-confirm').hidden = true;
    $('picture-remove').focus();
  });
  bindForm($('picture-remove-form'), {
    body: () => undefined,
    send: () => call('DELETE', '/v1/me/profile/picture'),
    done: async () => {
      fill(await call('GET', '/v1/me/profile'));
      pictureDone(t('js.picture.removed'));
    },
  });
}

async function myProfile() {
  fill(await call('GET', '/v1/me/profile'));
  const pf = $('profile-form');
  bindForm(pf, {
    body: (form) => {
      const b = { birthdate: value(form, 'birthdate'), birthdateVisible: form.elements.namedItem('birthdateVisible').checked };
      for (const f of MANDATORY) b[f] = value(form, f);
      return b;
    },
    send: patch,
    done: (answer) => {
      fill(answer);
      confirmDone('saved', t(answer.complete ? 'js.savedComplete' : 'js.saved'));
    },
  });
  const vf = $('voluntary-form');
  bindForm(vf, {
    body: (form) => {
      const b = {};
      for (const f of VOLUNTARY) b[f] = LISTS.includes(f) ? splitList(value(form, f)) : value(form, f);
      return b;
    },
    send: patch,
    done: (answer) => {
      fill(answer);
      confirmDone('voluntary-saved', t('js.voluntarySaved'));
    },
  });
  bindPicture();
  await showRegister();
}

// ---- Another member's profile ----

function row(list, field, v) {
  const div = document.createElement('div');
  const dt = document.createElement('dt');
  dt.textContent = t(`js.f.${field}`);
  const dd = document.createElement('dd');
  dd.id = `member-${field}`;
  if (field === 'companyWebsite' && /^https?:\/\//i.test(v)) {
    const a = document.createElement('a');
    a.href = v;
    a.rel = 'noopener noreferrer';
    a.textContent = v;
    dd.append(a);
  } else {
    dd.textContent = shown(field, v);
  }
  div.append(dt, dd);
  list.append(div);
}

/** messageButton opens (or finds) the conversation with the member and goes there (HKC-7). */
function messageButton(m, own) {
  const form = $('message-form');
  if (m.id === own.id) return;
  bindForm(form, {
    body: () => ({ accountId: m.id }),
    send: (b) => call('POST', '/v1/conversations', b),
    done: (c) => { window.location.assign(`/${lang}/network/conversation?id=${encodeURIComponent(c.id)}`); },
  });
  form.hidden = false;
}

async function member() {
  // The reader's own profile first: without the network role it is 404, and the
  // page says "No access" rather than "not found".
  const mine = await call('GET', '/v1/me/profile');
  const id = new URLSearchParams(window.location.search).get('id') || '';
  const missing = () => {
    $('content').hidden = false;
    show('missing');
  };
  if (!id) {
    missing();
    return;
  }
  let m;
  try {
    m = await call('GET', `/v1/members/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof ApiResponse && err.status === 404) {
      missing();
      return;
    }
    throw err;
  }
  $('member-name').textContent = `${m.firstName} ${m.lastName}`;
  if (m.picture) {
    $('member-picture-img').src = m.picture.large;
    $('member-picture-img').alt = t('js.pictureAlt', { name: `${m.firstName} ${m.lastName}` });
    $('member-picture').hidden = false;
  }
  const details = $('member-details');
  for (const f of [...MANDATORY.slice(2), 'birthdate']) if (given(m[f])) row(details, f, m[f]);
  const vol = $('member-voluntary-details');
  for (const f of VOLUNTARY) if (given(m[f])) row(vol, f, m[f]);
  $('member-voluntary').hidden = vol.children.length === 0;
  messageButton(m, mine);
  $('member').hidden = false;
  // Another member's profile offers a contact request and a block.
  if (id !== mine.id) bindConnect(id);
}

async function start() {
  try {
    await ($('profile-form') ? myProfile() : member());
  } catch (err) {
    $('loading').hidden = true;
    if (err instanceof ApiResponse && err.status === 404) {
      show('denied');
      return;
    }
    showErrors(document.body, [{ text: (err instanceof ApiResponse && err.problem?.detail) || t('js.unexpected') }]);
    return;
  }
  $('loading').hidden = true;
  $('content').hidden = false;
}

start();
