// Flat rate for berth offers (HGK-6, CP-4): the plan page shows the plans, the
// account's current validity and what goes to the payment provider, takes the
// consent to that and sends the browser to the provider's checkout (one order
// however often clicked); the return page, where the provider sends the browser
// back, shows the order's outcome and how long the plan is valid. A 401 leads to
// sign-in and back; a 429 says when to try again.

import { bindForm, lang, problemItems, showErrors, t } from '../../assets/form.js';
import { call, show } from '../../assets/signedin.js';

const $ = (id) => document.getElementById(id);
const form = $('plan-form');
const locale = lang === 'en' ? 'en-GB' : 'de-DE';

/** day formats a date (YYYY-MM-DD) in the page's language. */
function day(d) {
  return new Date(`${d}T00:00:00Z`).toLocaleDateString(locale, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
}

function money(cents, currency) {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
}

const today = () => new Date().toISOString().slice(0, 10);

async function loadPlans() {
  const [plans, adv] = await Promise.all([call('GET', '/v1/plans'), call('GET', '/v1/me/advertiser')]);
  $('loading').hidden = true;
  $('free').textContent = t('js.free', { n: plans.freeOffers });
  const v = $('validity');
  v.textContent = adv.planValidUntil >= today() ? t('js.validUntil', { date: day(adv.planValidUntil) }) : t('js.noPlan');
  v.hidden = false;
  const select = $('plan');
  for (const p of plans.plans) {
    const o = document.createElement('option');
    o.value = p.id;
    o.textContent = `${lang === 'en' ? p.nameEn : p.nameDe} – ${money(p.amountCents, p.currency)}`;
    select.append(o);
  }
  form.hidden = false;
}

async function loadOrder() {
  const params = new URLSearchParams(window.location.search);
  const id = params.get('order');
  if (!id) {
    $('loading').hidden = true;
    show('no-order');
    return;
  }
  const o = await call('GET', `/v1/me/orders/${encodeURIComponent(id)}`);
  $('loading').hidden = true;
  if (o.status === 'paid') {
    $('paid-until').textContent = t('js.validUntil', { date: day(o.validUntil) });
    show('paid');
  } else if (o.status === 'expired') {
    show('expired');
  } else if (params.get('cancelled')) {
    show('cancelled');
  } else {
    $('pending-again').href = window.location.pathname + window.location.search;
    show('pending');
  }
}

if (form) {
  bindForm(form, {
    body: (f) => ({ plan: f.elements.plan.value, consentVersion: f.elements.consentVersion.checked ? f.elements.consentVersion.value : '' }),
    send: (b, key) => call('POST', '/v1/me/plan', b, { idempotencyKey: key }),
    // The provider's checkout: the browser leaves the site and comes back to
    // the return page.
    done: (answer) => window.location.assign(answer.checkoutUrl),
  });
}

(form ? loadPlans() : loadOrder()).catch((err) => {
  $('loading').hidden = true;
  showErrors(form || document.body, problemItems(err));
});
