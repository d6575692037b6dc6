// The record's text is in the page (built from the registry); what the deployment
// sets, its parameters in force and region, comes from the API's record.
import { api, t } from '../../assets/form.js';

const status = document.getElementById('params-status');
const list = document.getElementById('params-list');

function row(name, value) {
  const div = document.createElement('div');
  const dt = document.createElement('dt');
  const dd = document.createElement('dd');
  dt.textContent = name;
  dd.textContent = value;
  div.append(dt, dd);
  return div;
}

async function load() {
  status.textContent = t('js.loading');
  status.hidden = false;
  let rec;
  try {
    rec = await api('GET', '/v1/privacy/processing');
  } catch {
    status.textContent = t('js.failed');
    return;
  }
  const params = rec.parametersInForce || {};
  const rows = [row(t('js.region'), rec.region || '–')];
  for (const name of Object.keys(params).sort()) rows.push(row(name, params[name]));
  list.replaceChildren(...rows);
  for (const span of document.querySelectorAll('[data-param]')) {
    const value = params[span.dataset.param];
    if (value !== undefined) span.textContent = t('js.current', { value });
  }
  status.hidden = true;
  list.hidden = false;
}

load();
