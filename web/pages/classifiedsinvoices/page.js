// The advertiser's invoices (HGK-4): newest first, page by page, each with a
// button that fetches its five-minute link and follows it (a navigation to the
// invoice bucket, not a connection, so connect-src need not name it). A 401 leads
// to sign-in and back.

import { ApiResponse, problemItems, showErrors, t } from '../../assets/form.js';
import { call } from '../../assets/signedin.js';
import { day, money } from '../../assets/claim.js';

const $ = (id) => document.getElementById(id);
let next = '';

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

async function follow(number, button) {
  if (button.disabled) return;
  button.disabled = true;
  try {
    const { url } = await call('GET', `/v1/me/invoices/${encodeURIComponent(number)}/download`);
    window.location.assign(url);
  } catch (err) {
    showErrors(document.body, err instanceof ApiResponse ? problemItems(err) : [{ text: t('js.downloadFailed') }]);
  } finally {
    button.disabled = false;
  }
}

function row(inv) {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.scope = 'row';
  th.textContent = inv.number;
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'button button-secondary';
  b.textContent = t('js.download', { number: inv.number });
  b.addEventListener('click', () => follow(inv.number, b));
  const action = document.createElement('td');
  action.append(b);
  tr.append(th, cell(day(inv.date)), cell(t('js.period', { from: day(inv.validFrom), to: day(inv.validUntil) })),
    cell(money({ cents: inv.amountCents, currency: inv.currency })), action);
  return tr;
}

async function load() {
  const after = next ? `&cursor=${encodeURIComponent(next)}` : '';
  const page = await call('GET', `/v1/me/invoices?limit=20${after}`);
  $('invoice-rows').append(...page.invoices.map(row));
  next = page.next || '';
  const count = $('invoice-rows').children.length;
  $('invoices').hidden = count === 0;
  $('no-invoices').hidden = count > 0;
  $('more').hidden = !next;
  $('invoices-status').textContent = count ? t('js.count', { n: count }) : '';
}

function fail(err) {
  $('invoices-status').textContent = '';
  showErrors(document.body, problemItems(err));
}

$('more').addEventListener('click', () => {
  const more = $('more');
  if (more.disabled) return;
  more.disabled = true;
  load().catch(fail).finally(() => { more.disabled = false; });
});
load().catch(fail);
