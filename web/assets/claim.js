// A claim as the insurance pages (the customer's and the staff member's) show it:
// amounts, dates, its facts and history, its invoices. A stored invoice gets a
// button that fetches its short-lived link and follows it; the link serves the
// file as an attachment from the invoice bucket: a navigation, not a connection,
// so the page's connect-src need not name the bucket for it.
import { ApiResponse, lang, showErrors, t } from './form.js';
import { when } from './signedin.js';

/** money formats an API amount ({cents, currency}) in the page's language. */
export const money = (m) => new Intl.NumberFormat(lang, { style: 'currency', currency: m.currency }).format(m.cents / 100);

/** day formats an API date (YYYY-MM-DD) in the page's language ('' for none). */
export const day = (iso) => (iso ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(`${iso}T00:00:00`)) : '');

/** cents reads an amount in euros as typed (84,20 or 84.20); 0 when it is none. */
export function cents(typed) {
  const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(typed.replace(/\s/g, ''));
  return m ? Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0')) : 0;
}

/** row adds a term and its description to a description list. */
export function row(list, label, text) {
  const div = document.createElement('div');
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = text;
  div.append(dt, dd);
  list.append(div);
}

/**
 * showClaim fills #claim with the claim's facts and #history with its steps;
 * who(step) names who took a step.
 */
export function showClaim(c, who) {
  const dl = document.getElementById('claim');
  dl.replaceChildren();
  row(dl, t('js.f.status'), t(`js.status.${c.status}`));
  row(dl, t('js.f.contract'), c.contractNumber);
  row(dl, t('js.f.treatmentDate'), day(c.treatmentDate));
  row(dl, t('js.f.amount'), money(c.amount));
  if (c.reimbursed) row(dl, t('js.f.reimbursed'), money(c.reimbursed));
  if (c.description) row(dl, t('js.f.description'), c.description);
  row(dl, t('js.f.submitted'), when(c.createdAt));
  const history = document.getElementById('history');
  history.replaceChildren();
  for (const h of c.history) {
    const li = document.createElement('li');
    li.className = 'item';
    li.textContent = `${when(h.at)}: ${t(`js.status.${h.status}`)} (${who(h)})${h.note ? ` – ${h.note}` : ''}`;
    history.append(li);
  }
}

async function follow(link, button) {
  button.disabled = true;
  try {
    const { url } = await link();
    window.location.assign(url);
  } catch (err) {
    showErrors(document.body, [{ text: (err instanceof ApiResponse && err.problem?.detail) || t('js.invoice.downloadFailed') }]);
  } finally {
    button.disabled = false;
  }
}

/**
 * showInvoices fills the list (#invoices, #no-invoices when empty) with a claim's
 * invoices; link(invoice) asks the API for a stored invoice's download link.
 */
export function showInvoices(invoices, link) {
  const list = document.getElementById('invoices');
  list.replaceChildren();
  invoices.forEach((inv, i) => {
    const li = document.createElement('li');
    li.className = 'item';
    const p = document.createElement('p');
    p.textContent = t('js.invoice.item', {
      type: t(`js.type.${inv.contentType}`), size: Math.ceil(inv.size / 1024), date: when(inv.createdAt), status: t(`js.invoice.${inv.status}`),
    });
    li.append(p);
    if (inv.status === 'stored') {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'button button-secondary';
      b.textContent = t('js.invoice.download', { n: i + 1 });
      b.addEventListener('click', () => follow(() => link(inv), b));
      li.append(b);
    }
    list.append(li);
  });
  document.getElementById('no-invoices').hidden = invoices.length > 0;
}
