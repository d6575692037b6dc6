// Staff claim review: the claims awaiting a decision (oldest first, paged) and one
// claim with its invoices (downloads, audited by the API) and the decision form.
// Someone without the staff role gets the API's 403 and sees "No access"
// (signedin.js guarded).
import { ApiResponse, bindForm, lang, showErrors, t, value } from '../../assets/form.js';
import { call, guarded, onField, show, when } from '../../assets/signedin.js';
import { cents, day, money, row, showClaim, showInvoices } from '../../assets/claim.js';

const $ = (id) => document.getElementById(id);

function cell(tr, content) {
  const td = document.createElement('td');
  td.append(content);
  tr.append(td);
}

async function queue() {
  let cursor = '';
  const page = async () => {
    const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const answer = await call('GET', `/v1/staff/claims?limit=50${after}`);
    for (const c of answer.claims) {
      const tr = document.createElement('tr');
      const a = document.createElement('a');
      a.href = `/${lang}/staff/claim?id=${encodeURIComponent(c.id)}`;
      a.textContent = when(c.createdAt);
      for (const v of [a, day(c.treatmentDate), c.contractNumber, money(c.amount), String(c.invoices.filter((i) => i.status === 'stored').length), t(`js.status.${c.status}`)]) cell(tr, v);
      $('queue').append(tr);
    }
    cursor = answer.next || '';
    $('more-claims').hidden = !cursor;
    const any = $('queue').children.length > 0;
    $('queue-table').hidden = !any;
    $('queue-empty').hidden = any;
  };
  await page();
  $('more').addEventListener('click', () => page().catch((err) => showErrors(document.body, [{ text: err?.problem?.detail || t('js.unexpected') }])));
}

// The decisions the API allows from each status (insurance.Review.Decide).
const next = { submitted: ['in_review', 'rejected'], in_review: ['reimbursed', 'rejected'] };

function offer(c) {
  const select = $('status');
  select.replaceChildren(select.options[0]);
  for (const s of next[c.status] || []) {
    const o = document.createElement('option');
    o.value = s;
    o.textContent = t(`js.decide.${s}`);
    select.append(o);
  }
  $('decision').hidden = !next[c.status];
  $('closed').hidden = Boolean(next[c.status]);
}

function fieldError(field, key) {
  throw new ApiResponse({ status: 400, headers: new Headers() }, { errors: [{ field, code: 'invalid_value', message: t(key) }] });
}

async function claim() {
  const id = new URLSearchParams(window.location.search).get('id') || '';
  const path = encodeURIComponent(id);
  let current = null;
  const render = (c) => {
    current = c;
    showClaim(c, (h) => (h.by === 'customer' ? t('js.by.customer') : t('js.by.staff', { id: h.by })));
    if (c.decidedAt) row($('claim'), t('js.f.decided'), when(c.decidedAt));
    showInvoices(c.invoices, (inv) => call('GET', `/v1/staff/claims/${path}/invoices/${encodeURIComponent(inv.id)}/download`));
    offer(c);
  };
  render(await call('GET', `/v1/staff/claims/${path}`));
  const reload = async () => {
    render(await call('GET', `/v1/staff/claims/${path}`));
    $('conflict').hidden = true;
    ($('decision').hidden ? $('main') : $('decision-title')).focus();
  };
  $('reload').addEventListener('click', () => reload().catch((err) => showErrors(document.body, [{ text: err?.problem?.detail || t('js.unexpected') }])));
  const form = $('decision-form');
  bindForm(form, {
    body: () => {
      const b = { status: value(form, 'status'), version: current.version };
      if (b.status === 'reimbursed') b.reimbursedCents = cents(value(form, 'amount'));
      const note = value(form, 'note');
      if (note) b.note = note;
      return b;
    },
    send: async (b) => {
      $('decided').hidden = true;
      if (!b.status) fieldError('status', 'js.statusRequired');
      if (b.status === 'reimbursed' && !(b.reimbursedCents > 0 && b.reimbursedCents <= current.amount.cents)) fieldError('amount', 'js.amountInvalid');
      if (b.status === 'rejected' && !b.note) fieldError('note', 'js.noteRequired');
      try {
        return await call('POST', `/v1/staff/claims/${path}/decision`, b);
      } catch (err) {
        throw decisionProblem(err);
      }
    },
    done: (c) => {
      render(c);
      form.reset();
      $('decided-text').textContent = t('js.decided', { status: t(`js.status.${c.status}`) });
      show('decided');
    },
  });
}

/** decisionProblem puts the API's answers on the form's fields; a version conflict opens the reload panel. */
function decisionProblem(err) {
  if (!(err instanceof ApiResponse)) return err;
  if (err.status === 409 && err.problem?.code === 'conflict') {
    // The page's own words: the API answers in the account's language, which may
    // not be the page's.
    err.problem.detail = t('js.conflict');
    $('conflict').hidden = false;
  }
  if (err.problem?.code === 'invoice_not_uploaded') err.problem.detail = t('js.noStoredInvoice');
  if (err.problem?.code === 'own_claim_decision') err.problem.detail = t('js.ownClaim');
  for (const fe of err.problem?.errors || []) {
    if (fe.field === 'reimbursedCents') {
      fe.field = 'amount';
      fe.message = t('js.amountInvalid');
    }
  }
  return onField(onField(err, 'invalid_transition', 'status'), 'invoice_not_uploaded', 'status');
}

guarded($('queue') ? queue : claim).catch((err) => {
  showErrors(document.body, [{ text: (err instanceof ApiResponse && err.problem?.detail) || t('js.unexpected') }]);
});
