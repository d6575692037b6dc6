// A contact request with an optional note, and a block, from another member's
// profile (HKC-8). The page holds the section (#connect, with #connect-form,
// #block-form and #connect-done); bindConnect shows it and binds both forms.

import { ApiResponse, bindForm, lang, t, value } from './form.js';
import { call, show } from './signedin.js';

const $ = (id) => document.getElementById(id);

const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'long' });

/**
 * declined says when a member who declined the last request can be asked again
 * (429 with a Retry-After of up to 30 days), rather than a count of minutes.
 */
function declined(err) {
  if (err instanceof ApiResponse && err.status === 429 && err.retryAfter > 86400) {
    const date = dateFormat.format(new Date(Date.now() + err.retryAfter * 1000));
    err.problem = { ...err.problem, detail: t('js.connect.declinedUntil', { date }) };
    err.retryAfter = 0;
  }
  return err;
}

function done(text) {
  $('connect-done-text').textContent = text;
  show('connect-done');
}

/** bindConnect binds the contact request and the block for the member id. */
export function bindConnect(id) {
  $('connect').hidden = false;
  bindForm($('connect-form'), {
    body: (form) => ({ accountId: id, note: value(form, 'note') }),
    send: (body) => call('POST', '/v1/connections', body).catch((err) => { throw declined(err); }),
    done: (answer) => {
      $('connect-form').hidden = true;
      done(t(answer.status === 'accepted' ? 'js.connect.accepted' : 'js.connect.sent'));
    },
  });
  bindForm($('block-form'), {
    body: () => undefined,
    send: () => call('PUT', `/v1/blocks/${encodeURIComponent(id)}`),
    done: () => {
      $('connect-form').hidden = true;
      $('block-form').hidden = true;
      done(t('js.connect.blocked'));
    },
  });
}
