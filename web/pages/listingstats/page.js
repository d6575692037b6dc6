// The visitors of one of the advertiser's own listings (HGK-13): distinct
// visitors per closed day, from the anonymous daily statistics. A 401 leads to
// sign-in and back; another's or an unknown listing shows the API's 404 text.

import { problemItems, showErrors, t } from '../../assets/form.js';
import { call } from '../../assets/signedin.js';
import { day } from '../../assets/claim.js';

const $ = (id) => document.getElementById(id);

function row(d) {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.scope = 'row';
  th.textContent = day(d.day);
  const td = document.createElement('td');
  td.textContent = String(d.visitors);
  tr.append(th, td);
  return tr;
}

async function load(listing) {
  const answer = await call('GET', `/v1/me/listings/${encodeURIComponent(listing)}/stats?days=30`);
  $('stats-caption').textContent = t('js.caption', { id: answer.listingId });
  $('stats-days').replaceChildren(...answer.days.map(row));
  $('stats').hidden = false;
  const n = answer.days.reduce((sum, d) => sum + d.visitors, 0);
  $('stats-status').textContent = t('js.total', { days: answer.days.length, n });
}

const listing = new URLSearchParams(window.location.search).get('listing');
if (!listing) {
  $('stats-status').textContent = '';
  showErrors(document.body, [{ text: t('js.noListing') }]);
} else {
  load(listing).catch((err) => {
    $('stats-status').textContent = '';
    showErrors(document.body, problemItems(err));
  });
}
