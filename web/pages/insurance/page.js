// The insurance customer portal: registration matched against a contract,
// activation by the letter's code or after eID, and, signed in, my contracts,
// my claims (list, new claim) and one claim's status with its history.
import { api, ApiResponse, bindForm, lang, reveal, showErrors, t, value } from '../../assets/form.js';
import { call, onField, show, when } from '../../assets/signedin.js';

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(window.location.search);
const money = (m) => new Intl.NumberFormat(lang, { style: 'currency', currency: m.currency }).format(m.cents / 100);
const day = (iso) => (iso ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(`${iso}T00:00:00`)) : '');

function row(list, label, text) {
  const div = document.createElement('div');
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = text;
  div.append(dt, dd);
  list.append(div);
}

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
      const raw = value(form, 'amount').replace(/\s/g, '');
      const b = { contractNumber: value(form, 'contractNumber'), treatmentDate: value(form, 'treatmentDate'), amountCents: 0 };
      const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(raw);
      if (m) b.amountCents = Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0'));
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

async function claim() {
  const id = query.get('id') || '';
  const c = await call('GET', `/v1/me/claims/${encodeURIComponent(id)}`);
  const dl = $('claim');
  row(dl, t('js.f.status'), t(`js.status.${c.status}`));
  row(dl, t('js.f.contract'), c.contractNumber);
  row(dl, t('js.f.treatmentDate'), day(c.treatmentDate));
  row(dl, t('js.f.amount'), money(c.amount));
  if (c.reimbursed) row(dl, t('js.f.reimbursed'), money(c.reimbursed));
  if (c.description) row(dl, t('js.f.description'), c.description);
  row(dl, t('js.f.submitted'), when(c.createdAt));
  for (const h of c.history) {
    const li = document.createElement('li');
    li.className = 'item';
    const who = h.by === 'customer' ? t('js.by.customer') : t('js.by.staff');
    li.textContent = `${when(h.at)}: ${t(`js.status.${h.status}`)} (${who})${h.note ? ` – ${h.note}` : ''}`;
    $('history').append(li);
  }
  for (const inv of c.invoices) {
    const li = document.createElement('li');
    li.className = 'item';
    li.textContent = `${inv.contentType}, ${Math.ceil(inv.size / 1024)} KB: ${t(`js.invoice.${inv.status}`)}`;
    $('invoices').append(li);
  }
  $('no-invoices').hidden = c.invoices.length > 0;
}

if ($('register-form')) register($('register-form'));
else if ($('activate-form')) activate($('activate-form'));
else if ($('contracts')) load(contracts);
else if ($('claim-form')) load(claims);
else if ($('claim')) load(claim);
