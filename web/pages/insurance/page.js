// The insurance customer portal: registration matched against a contract,
// activation by the letter's code or after eID, and, signed in, my contracts,
// my claims (list, new claim) and one claim's status with its history, its
// invoices (upload with progress, checked after; download).
import { api, ApiResponse, bindForm, lang, reveal, showErrors, t, value } from '../../assets/form.js';
import { call, onField, show } from '../../assets/signedin.js';
import { cents, day, money, row, showClaim, showInvoices } from '../../assets/claim.js';
import { bindUpload, fileProblem } from '../../assets/upload.js';

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(window.location.search);

const accepted = (form, name) => (form.elements.namedItem(name).checked ? form.elements.namedItem(name).value : '');

function register(form) {
  bindForm(form, {
    body: () => ({
      firstName: value(form, 'firstName'),
      lastName: value(form, 'lastName'),
      birthdate: value(form, 'birthdate'),
      email: value(form, 'email'),
      phone: value(form, 'phone'),
      contractNumber: value(form, 'contractNumber'),
      activation: value(form, 'activation'),
      language: lang,
      acceptedTermsVersion: accepted(form, 'acceptedTermsVersion'),
      acceptedPrivacyVersion: accepted(form, 'acceptedPrivacyVersion'),
    }),
    send: (b) => api('POST', '/v1/insurance/registrations', b).catch((err) => {
      if (err instanceof ApiResponse && err.problem?.code === 'contract_mismatch') err.problem.detail = t('js.mismatch');
      throw onField(err, 'contract_mismatch', 'contractNumber');
    }),
    done: (reg) => {
      const next = `/${lang}/insurance/activate?registration=${encodeURIComponent(reg.id)}`;
      if (reg.activation === 'eid' && reg.redirectUrl) {
        $('eid-link').href = reg.redirectUrl;
        $('eid-activate-link').href = `${next}&via=eid`;
        reveal('done-eid');
      } else {
        $('activate-link').href = next;
        reveal('done-post');
      }
    },
    fieldTexts: {
      'acceptedTermsVersion/required': t('js.termsRequired'),
      'acceptedPrivacyVersion/required': t('js.privacyRequired'),
    },
  });
}

function activate(form) {
  const eid = query.get('via') === 'eid';
  form.elements.namedItem('registrationId').value = query.get('registration') || '';
  if (eid) {
    $('code-field').hidden = true;
    $('intro-post').hidden = true;
    $('intro-eid').hidden = false;
  }
  bindForm(form, {
    body: () => {
      const b = { registrationId: value(form, 'registrationId') };
      if (!eid) b.code = value(form, 'code').toUpperCase();
      return b;
    },
    send: (b) => {
      if (!eid && !b.code) {
        throw new ApiResponse({ status: 400, headers: new Headers() }, { errors: [{ field: 'code', code: 'required', message: t('js.codeRequired') }] });
      }
      return api('POST', '/v1/insurance/activations', b).catch((err) => { throw onField(err, 'activation_invalid', eid ? 'registrationId' : 'code'); });
    },
    done: () => reveal('done'),
  });
}

// load runs the signed-in page's first request; a missing consent shows where to
// give it instead of the content.
async function load(fn) {
  try {
    await fn();
    $('loading').hidden = true;
    $('content').hidden = false;
  } catch (err) {
    $('loading').hidden = true;
    const code = err instanceof ApiResponse ? err.problem?.code : '';
    if (code === 'processing_consent_required' || code === 'health_consent_required') {
      $('consent-text').textContent = t(`js.consent.${code}`);
      show('consent');
      return;
    }
    if (err instanceof ApiResponse && err.status === 404) err.problem.detail = t('js.notFound');
    showErrors(document.body, [{ text: (err instanceof ApiResponse && err.problem?.detail) || t('js.unexpected') }]);
  }
}

async function contracts() {
  const { contracts: list } = await call('GET', '/v1/me/contracts');
  const box = $('contracts');
  $('no-contracts').hidden = list.length > 0;
  for (const c of list) {
    const h = document.createElement('h2');
    h.textContent = `${t(`js.kind.${c.kind}`)} · ${c.number}`;
    const dl = document.createElement('dl');
    dl.className = 'summary-list';
    row(dl, t('js.f.number'), c.number);
    row(dl, t('js.f.insuranceNumber'), c.insuranceNumber);
    row(dl, t('js.f.holder'), `${c.holder.firstName} ${c.holder.lastName}`);
    row(dl, t('js.f.address'), `${c.holder.address.street}, ${c.holder.address.postalCode} ${c.holder.address.city}`);
    row(dl, t('js.f.premium'), `${money(c.premium)} ${t(`js.interval.${c.paymentInterval}`)}`);
    row(dl, t('js.f.term'), c.endsOn ? t('js.f.range', { from: day(c.startsOn), to: day(c.endsOn) }) : t('js.f.open', { from: day(c.startsOn) }));
    row(dl, t('js.f.paid'), money(c.contributionsPaid));
    box.append(h, dl);
  }
}

function claimLink(id) {
  return `/${lang}/insurance/claim?id=${encodeURIComponent(id)}`;
}

async function claims() {
  await call('GET', '/v1/me/claims?limit=1'); // the consents, before the form is shown
  const { contracts: list } = await call('GET', '/v1/me/contracts');
  const select = $('contractNumber');
  for (const c of list) {
    const o = document.createElement('option');
    o.value = c.number;
    o.textContent = `${c.number} (${t(`js.kind.${c.kind}`)})`;
    select.append(o);
  }
  let cursor = '';
  const page = async () => {
    const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const answer = await call('GET', `/v1/me/claims?limit=50${after}`);
    for (const c of answer.claims) {
      const tr = document.createElement('tr');
      const a = document.createElement('a');
      a.href = claimLink(c.id);
      a.textContent = day(c.treatmentDate);
      const cells = [a, c.contractNumber, money(c.amount), t(`js.status.${c.status}`)];
      for (const v of cells) {
        const td = document.createElement('td');
        td.append(v);
        tr.append(td);
      }
      $('claims').append(tr);
    }
    cursor = answer.next || '';
    $('more-claims').hidden = !cursor;
    const any = $('claims').children.length > 0;
    $('claims-table').hidden = !any;
    $('no-claims').hidden = any;
  };
  await page();
  $('more').addEventListener('click', () => page().catch(() => {}));
  const form = $('claim-form');
  bindForm(form, {
    body: () => {
      const b = { contractNumber: value(form, 'contractNumber'), treatmentDate: value(form, 'treatmentDate'), amountCents: cents(value(form, 'amount')) };
      const d = value(form, 'description');
      if (d) b.description = d;
      return b;
    },
    send: (b, key) => {
      if (b.amountCents < 1) {
        throw new ApiResponse({ status: 400, headers: new Headers() }, { errors: [{ field: 'amount', code: 'invalid_value', message: t('js.amountInvalid') }] });
      }
      return call('POST', '/v1/me/claims', b, { idempotencyKey: key }).catch((err) => {
        if (err instanceof ApiResponse) {
          for (const fe of err.problem?.errors || []) if (fe.field === 'amountCents') fe.field = 'amount';
        }
        throw err;
      });
    },
    done: (claim) => {
      $('created-link').href = claimLink(claim.id);
      form.reset();
      show('created');
    },
  });
}

// The problems of the upload's two calls that are about the file itself.
const onFile = fileProblem(['invoice_type_not_allowed', 'invoice_too_large', 'invoice_not_encrypted', 'invoice_not_uploaded', 'too_many_invoices', 'claim_closed']);

/** bindInvoiceUpload adds an invoice: declared, sent with progress, then checked. */
function bindInvoiceUpload(claimID, refresh) {
  const claim = encodeURIComponent(claimID);
  bindUpload($('upload-form'), {
    declare: (file, contentType) => call('POST', `/v1/me/claims/${claim}/invoices`, { contentType, size: file.size }),
    complete: (added) => call('POST', `/v1/me/claims/${claim}/invoices/${encodeURIComponent(added.invoice.id)}/complete`),
    problem: onFile,
    // A declared invoice is pending, or gone once its check refused it.
    failed: refresh,
    before: () => { $('upload-done').hidden = true; },
    done: async (_, name) => {
      $('upload-done-text').textContent = t('js.upload.done', { name });
      await refresh();
      show('upload-done');
    },
  });
}

async function claim() {
  const id = query.get('id') || '';
  const load = () => call('GET', `/v1/me/claims/${encodeURIComponent(id)}`);
  const c = await load();
  showClaim(c, (h) => (h.by === 'customer' ? t('js.by.customer') : t('js.by.staff')));
  const invoices = (cl) => showInvoices(cl.invoices, (inv) => call('GET', `/v1/me/claims/${encodeURIComponent(cl.id)}/invoices/${encodeURIComponent(inv.id)}/download`));
  invoices(c);
  // Invoices can be added only while the claim is submitted (409 claim_closed after).
  if (c.status === 'submitted') {
    $('upload').hidden = false;
    bindInvoiceUpload(c.id, async () => invoices(await load()));
  }
}

if ($('register-form')) register($('register-form'));
else if ($('activate-form')) activate($('activate-form'));
else if ($('contracts')) load(contracts);
else if ($('claim-form')) load(claims);
else if ($('claim')) load(claim);
