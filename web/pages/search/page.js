// The network's search (HKC-9): people, groups and posts, as one types (a
// pause of a third of a second, one request at a time, the newest query wins)
// or on submit (bindForm: problems in the summary, next to the field). Every
// network route answers 404 to someone without the network role, so the page
// first reads the person (GET /v1/me): without the role it says "No access".
// The query and the area are kept in the address, so a result opened and left
// comes back to the same results.

import { ApiResponse, bindForm, clearErrors, lang, t, value } from '../../assets/form.js';
import { call, guarded, requireRole, when } from '../../assets/signedin.js';

const $ = (id) => document.getElementById(id);

/** link is a result's title, linking what it names. */
function link(r) {
  const a = document.createElement('a');
  switch (r.type) {
    case 'person':
      a.href = `/${lang}/network/member?id=${encodeURIComponent(r.id)}`;
      a.textContent = `${r.firstName} ${r.lastName}`;
      break;
    case 'group':
      a.href = `/${lang}/network/group?id=${encodeURIComponent(r.id)}`;
      a.textContent = r.name;
      break;
    default:
      a.href = `/${lang}/network/group?id=${encodeURIComponent(r.groupId)}#post-${encodeURIComponent(r.postId)}`;
      a.textContent = t(r.type === 'comment' ? 'js.comment.in' : 'js.post.in', { group: r.groupName, when: when(r.createdAt) });
  }
  return a;
}

/** detail is the line under a result's title. */
function detail(r) {
  if (r.type === 'person') return [r.roleInCompany, r.company].filter(Boolean).join(', ');
  if (r.type === 'group') return t(`js.kind.${r.kind}`);
  return r.excerpt;
}

function render(q, results) {
  const list = $('results');
  list.replaceChildren(...results.map((r) => {
    const li = document.createElement('li');
    const title = document.createElement('p');
    title.append(link(r));
    const more = document.createElement('p');
    more.className = 'hint';
    more.textContent = detail(r);
    li.append(title, more);
    return li;
  }));
  const n = results.length;
  $('results-status').textContent = n === 0 ? t('js.results.none') : t(n === 1 ? 'js.results.one' : 'js.results.some', { n, q });
}

function query(form) {
  return { q: value(form, 'q'), type: form.elements.namedItem('type').value };
}

async function search({ q, type }) {
  const params = new URLSearchParams({ q, type });
  window.history.replaceState(null, '', `?${params}`);
  const a = await call('GET', `/v1/search?${params}`);
  return { q, results: a.results };
}

function bindSearch() {
  const form = $('search-form');
  const input = form.elements.namedItem('q');
  const type = form.elements.namedItem('type');
  const from = new URLSearchParams(window.location.search);
  input.value = from.get('q') || '';
  if (['people', 'groups', 'posts'].includes(from.get('type'))) type.value = from.get('type');

  bindForm(form, { body: query, send: (b) => search(b), done: (a) => render(a.q, a.results) });

  // As one types: only queries the API would take; a problem waits for the
  // submit, which shows it. An answer to an older query is dropped.
  let timer = 0;
  let latest = 0;
  const typed = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const b = query(form);
      if (b.q.replace(/[^\p{L}\p{N}]/gu, '').length < 2 || b.q.length > 200) return;
      const mine = ++latest;
      $('results-status').textContent = t('js.results.searching');
      try {
        const a = await search(b);
        if (mine !== latest) return;
        clearErrors(form);
        render(a.q, a.results);
      } catch (err) {
        if (!(err instanceof ApiResponse)) throw err;
        if (mine === latest) $('results-status').textContent = '';
      }
    }, 330);
  };
  input.addEventListener('input', typed);
  type.addEventListener('change', typed);
  if (input.value) form.requestSubmit();
}

guarded(async () => {
  await requireRole('network');
  bindSearch();
});
