// The photos of one of my listings (?listing=<id>): each checked photo shown from
// the photo bucket (a presigned GET), removed after a confirmation; a new photo
// checked here, declared, sent to the bucket with progress and checked by the
// API (web/assets/upload.js). Another's listing, or none, says "not found"; a 401
// leads to sign-in and back.

import { bindForm, problemItems, showErrors, t } from '../../assets/form.js';
import { call, guarded, show } from '../../assets/signedin.js';
import { bindUpload, fileProblem } from '../../assets/upload.js';

const $ = (id) => document.getElementById(id);
const listing = new URLSearchParams(window.location.search).get('listing') || '';
const id = encodeURIComponent(listing);
let removing = '';

function photoItem(p, n) {
  const li = document.createElement('li');
  li.className = 'item';
  if (p.url) {
    const img = document.createElement('img');
    img.src = p.url;
    img.alt = t('js.alt', { n });
    img.className = 'picture';
    li.append(img);
  } else {
    const span = document.createElement('p');
    span.textContent = t('js.waiting', { n });
    li.append(span);
  }
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'button button-secondary';
  remove.textContent = t('js.remove', { n });
  remove.addEventListener('click', () => {
    removing = p.id;
    $('photos-done').hidden = true;
    show('remove-confirm');
  });
  li.append(remove);
  return li;
}

async function load() {
  const answer = await call('GET', `/v1/me/listings/${id}/photos`);
  const list = $('photos');
  list.replaceChildren(...answer.photos.map((p, i) => photoItem(p, i + 1)));
  $('photos-count').textContent = answer.photos.length ? t('js.count', { n: answer.photos.length }) : t('js.none');
}

function done(text) {
  $('photos-done-text').textContent = text;
  show('photos-done');
}

bindUpload($('upload-form'), {
  declare: (file, contentType) => call('POST', `/v1/listings/${id}/photos`, { contentType, size: file.size }),
  complete: (declared) => call('POST', `/v1/listings/${id}/photos/${declared.photo.id}/complete`),
  problem: fileProblem(['photo_type_not_allowed', 'photo_too_large', 'photo_not_accepted', 'photo_not_uploaded', 'too_many_photos']),
  before: () => { $('photos-done').hidden = true; },
  // A refused photo is gone with its entry; one never sent waits: the list shows which.
  failed: load,
  done: async () => {
    await load();
    done(t('js.done'));
  },
});

bindForm($('remove-form'), {
  body: () => ({ id: removing }),
  send: (b) => call('DELETE', `/v1/listings/${id}/photos/${b.id}`),
  done: async () => {
    $('remove-confirm').hidden = true;
    await load();
    done(t('js.removed'));
  },
});
$('remove-cancel').addEventListener('click', () => {
  $('remove-confirm').hidden = true;
  $('upload-form').querySelector('input[type="file"]').focus();
});

guarded(load).catch((err) => showErrors(document.body, problemItems(err)));
