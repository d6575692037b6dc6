// The members' network's posts and comments as the group page and the feed show
// them (one rendering for both): author, date, the sanitised text, links,
// comments to show and write, and the actions the API grants on each (edit and
// delete for one's own, remove with a reason for moderators and staff). Only the
// API's `html` field is inserted as HTML: the server sanitised it (<p>, <br> and
// <a rel="nofollow noopener noreferrer ugc"> only); everything else is text.
// A post's files are listed under it (a link asked for when one is followed);
// its author adds them where the page allows (the group page) and removes them,
// moderators and staff remove them with a reason.
// Also the pieces the network's group pages share: element building, lists paged
// with "load more", and a confirmation box.

import { ApiResponse, bindForm, lang, showErrors, problemItems, t, value } from './form.js';
import { call, onField, when } from './signedin.js';
import { bindUpload, fileProblem } from './upload.js';

/** el makes an element with attributes (`text` sets its text) and children. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children);
  return e;
}

/** after is a list's query tail for the page after cursor ('' for the first). */
export function after(cursor) {
  return cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
}

/**
 * paged loads a list page by page: load(tail) gives [items, next] for the query
 * tail after(cursor); put(items, first) shows them (the first page replacing
 * what was shown) and returns their elements. The button `more` shows while
 * there is a next page and loads it; the first new item then takes the focus.
 * It returns reload(), which starts again from the first page.
 */
export function paged(more, load, put) {
  let cursor = '';
  let busy = false;
  const page = async (first) => {
    const [items, next] = await load(after(first ? '' : cursor));
    cursor = next || '';
    more.hidden = !cursor;
    return put(items, first);
  };
  more.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    more.disabled = true;
    try {
      const added = await page(false);
      if (added[0]) focusItem(added[0]);
    } catch (err) {
      showErrors(document.body, problemItems(err));
    } finally {
      busy = false;
      more.disabled = false;
    }
  });
  return () => page(true);
}

/** into is paged's put for one list: each item rendered and appended. */
export function into(list, render) {
  return (items, first) => {
    if (first) list.replaceChildren();
    const added = items.map(render);
    list.append(...added);
    return added;
  };
}

/** focusItem moves the focus to a list item (made focusable for it). */
export function focusItem(item) {
  item.tabIndex = -1;
  item.focus();
}

/** textField makes a form field after the layout's templates: label, hint, inline error, input. */
export function textField(name, id, label, { hint = '', rows = 0, val = '' } = {}) {
  const input = rows
    ? el('textarea', { class: 'input textarea', id, name, rows })
    : el('input', { class: 'input', id, name, type: 'text', autocomplete: 'off' });
  input.value = val;
  const field = el('div', { class: 'field', 'data-field': name }, el('label', { class: 'label', for: id, text: label }));
  if (hint) {
    field.append(el('div', { class: 'hint', id: `${id}-hint`, text: hint }));
    input.setAttribute('aria-describedby', `${id}-hint`);
  }
  field.append(el('p', { class: 'field-error', id: `${id}-error`, hidden: true }), input);
  return field;
}

/** reasonField is the select of the reasons a moderator removes something for. */
function reasonField(id) {
  const select = el('select', { class: 'input select', id, name: 'reason' }, el('option', { value: '', text: t('js.reason.choose') }));
  for (const r of ['spam', 'offensive', 'off_topic', 'legal', 'other']) select.append(el('option', { value: r, text: t(`js.reason.${r}`) }));
  return el('div', { class: 'field', 'data-field': 'reason' },
    el('label', { class: 'label', for: id, text: t('js.reason.label') }),
    el('p', { class: 'field-error', id: `${id}-error`, hidden: true }), select);
}

/**
 * confirmBox is a hidden panel asking to confirm an action (a warning, the
 * fields given, a warning button and Cancel). open() shows it with the focus;
 * Cancel hides it and gives the focus back to opener. send(form) runs the action
 * (one request at a time, problems in the summary, fieldTexts as bindForm's),
 * then done(answer).
 */
export function confirmBox({ id, title, warning, submit, fields = [], fieldTexts, opener, send, done }) {
  const form = el('form', { novalidate: true }, ...fields,
    el('div', { class: 'button-group' },
      el('button', { type: 'submit', class: 'button button-warning', text: submit }),
      el('button', { type: 'button', class: 'button button-secondary', text: t('js.cancel') })));
  const box = el('div', { class: 'panel', id, tabindex: '-1', 'aria-labelledby': `${id}-title`, hidden: true },
    el('h4', { id: `${id}-title`, text: title }), el('p', { class: 'warning-text', text: warning }), form);
  form.querySelector('button[type="button"]').addEventListener('click', () => {
    box.hidden = true;
    opener.focus();
  });
  bindForm(form, { body: () => undefined, send: () => send(form), done, fieldTexts });
  const open = () => {
    box.hidden = false;
    box.focus();
  };
  return { box, open };
}

/** linksOf reads the links field: one per line, the address, then optionally a space and a title. */
function linksOf(s) {
  return s.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [url, ...title] = l.split(/\s+/);
    return title.length ? { url, title: title.join(' ') } : { url };
  });
}

const linesOf = (links) => links.map((l) => (l.title ? `${l.url} ${l.title}` : l.url)).join('\n');

/** postFields are the fields of a post's form: text and links. */
export function postFields(prefix, post = { text: '', links: [] }) {
  return [
    textField('text', `${prefix}-text`, t('js.post.text'), { rows: 6, val: post.text, hint: t('js.post.textHint') }),
    textField('links', `${prefix}-links`, t('js.post.links'), { rows: 3, val: linesOf(post.links), hint: t('js.post.linksHint') }),
  ];
}

/** postBody is what a post's form sends. */
export function postBody(form) {
  return { text: value(form, 'text'), links: linksOf(value(form, 'links')) };
}

/** conflict turns a 409 (changed meanwhile) into the page's words: reload. */
export function conflict(err) {
  if (err instanceof ApiResponse && err.status === 409) err.problem = { detail: t('js.conflict') };
  return err;
}

// The routes of the two kinds of writing (literal, so the route check reads them).
const routes = {
  post: {
    patch: (id, b) => call('PATCH', `/v1/posts/${id}`, b),
    remove: (id) => call('DELETE', `/v1/posts/${id}`),
    removeFor: (id, reason) => call('DELETE', `/v1/posts/${id}?reason=${encodeURIComponent(reason)}`),
  },
  comment: {
    patch: (id, b) => call('PATCH', `/v1/comments/${id}`, b),
    remove: (id) => call('DELETE', `/v1/comments/${id}`),
    removeFor: (id, reason) => call('DELETE', `/v1/comments/${id}?reason=${encodeURIComponent(reason)}`),
  },
};

/** author names who wrote it: a link to their profile, or "former member". */
function author(a) {
  if (a.former) return el('span', { text: t('js.former') });
  if (a.id && a.name) return el('a', { href: `/${lang}/network/member?id=${encodeURIComponent(a.id)}`, text: a.name });
  return el('span', { text: t('js.unnamed') });
}

function meta(kind, x, withGroup) {
  const p = el('p', { class: 'post-meta', id: `${kind}-${x.id}-meta` }, author(x.author), ' · ',
    el('time', { datetime: x.createdAt, text: when(x.createdAt) }));
  if (x.editedAt) p.append(` · ${t('js.edited', { when: when(x.editedAt) })}`);
  if (withGroup) {
    p.append(` · ${t('js.inGroup')} `, el('a', { href: `/${lang}/network/group?id=${encodeURIComponent(x.groupId)}`, text: x.groupName }));
  }
  return p;
}

function linkList(links) {
  const ul = el('ul', { class: 'list post-links' });
  for (const l of links) {
    const a = el('a', { href: l.url, rel: 'nofollow noopener noreferrer ugc', text: l.title || l.url });
    ul.append(el('li', {}, l.video ? `${t('js.video')}: ` : '', a));
  }
  return ul;
}

/** gone replaces a removed writing with a line saying so, which takes the focus. */
function gone(item, text) {
  const p = el('p', { class: 'hint', tabindex: '-1', text });
  item.replaceChildren(p);
  p.focus();
}

/**
 * writing renders one post or comment (kind) as a list item: its meta line,
 * the sanitised text, extra(x) below it (a post's links and comments), and the
 * edit and delete or remove actions it allows. opts.rerender(x) renders the
 * item again after an edit.
 */
function writing(kind, x, opts) {
  const item = el('li', { class: 'item post', id: `${kind}-${x.id}` });
  const article = el('article', { 'aria-labelledby': `${kind}-${x.id}-meta` });
  const body = el('div', { class: 'post-body' });
  body.innerHTML = x.html; // sanitised by the API: <p>, <br>, <a rel="nofollow noopener noreferrer ugc"> only
  const actions = el('div', { class: 'button-group' });
  article.append(meta(kind, x, opts.withGroup), body, ...opts.extra(actions));
  item.append(article);
  if (x.mine) actions.append(editAction(kind, x, item, article, opts));
  if (x.mine || x.removable) {
    const button = el('button', { type: 'button', class: 'button button-secondary', text: t(x.mine ? `js.${kind}.delete` : `js.${kind}.remove`) });
    const reason = x.mine ? [] : [reasonField(`${kind}-${x.id}-reason`)];
    const { box, open } = confirmBox({
      id: `${kind}-${x.id}-confirm`,
      title: t(x.mine ? `js.${kind}.deleteTitle` : `js.${kind}.removeTitle`),
      warning: t(x.mine ? `js.${kind}.deleteWarning` : `js.${kind}.removeWarning`),
      submit: t(x.mine ? 'js.yesDelete' : 'js.yesRemove'),
      fields: reason,
      fieldTexts: { 'reason/required': t('js.reason.required') },
      opener: button,
      send: (form) => (x.mine ? routes[kind].remove(x.id) : routes[kind].removeFor(x.id, value(form, 'reason'))),
      done: () => {
        opts.removed?.();
        gone(item, t(x.mine ? `js.${kind}.deleted` : `js.${kind}.removed`));
      },
    });
    button.addEventListener('click', open);
    actions.append(button);
    article.append(box);
  }
  return item;
}

/** editAction is the Edit button: it swaps the writing for its form (Save, Cancel), a post's read afresh. */
function editAction(kind, x, item, article, opts) {
  const button = el('button', { type: 'button', class: 'button button-secondary', text: t('js.edit') });
  button.addEventListener('click', async () => {
    // A post is read again first, so the edit starts from its current text and version.
    if (kind === 'post') {
      button.disabled = true;
      try {
        x = await call('GET', `/v1/posts/${x.id}`);
      } catch (err) {
        showErrors(document.body, problemItems(err));
        return;
      } finally {
        button.disabled = false;
      }
    }
    const prefix = `${kind}-${x.id}-edit`;
    const fields = kind === 'post' ? postFields(prefix, x) : [textField('text', `${prefix}-text`, t('js.comment.text'), { rows: 3, val: x.text })];
    const form = el('form', { novalidate: true, 'aria-label': t(`js.${kind}.editLabel`) }, ...fields,
      el('div', { class: 'button-group' },
        el('button', { type: 'submit', class: 'button', text: t('js.save') }),
        el('button', { type: 'button', class: 'button button-secondary', text: t('js.cancel') })));
    form.querySelector('button[type="button"]').addEventListener('click', () => {
      form.remove();
      article.hidden = false;
      button.focus();
    });
    bindForm(form, {
      body: (f) => ({ version: x.version, ...(kind === 'post' ? postBody(f) : { text: value(f, 'text') }) }),
      send: (b) => routes[kind].patch(x.id, b).catch((err) => { throw conflict(err); }),
      done: (answer) => {
        const fresh = opts.rerender(answer);
        item.replaceWith(fresh);
        focusItem(fresh);
      },
    });
    article.hidden = true;
    item.append(form);
    form.querySelector('textarea').focus();
  });
  return button;
}

/** renderComment renders a comment; canWrite is whether the reader may comment. */
function renderComment(c, onRemoved) {
  return writing('comment', c, { extra: (actions) => [actions], rerender: (x) => renderComment(x, onRemoved), removed: onRemoved });
}

/**
 * renderPost renders a post with its links and comments (shown on demand, paged,
 * with a form to write one when canComment). withGroup names and links the
 * post's group (the feed).
 */
export function renderPost(p, { withGroup = false, canComment = false, attach = null } = {}) {
  const opts = {
    withGroup,
    rerender: (x) => renderPost(x, { withGroup, canComment, attach }),
    extra: (actions) => [files(p, attach), ...postExtra(p, actions, canComment)],
  };
  return writing('post', p, opts);
}

// ---- Files on posts ----

/** sizeText is a file's size in words (KB below a megabyte, MB with one decimal above). */
function sizeText(n) {
  if (n < 1024 * 1024) return t('js.file.kb', { n: Math.max(1, Math.ceil(n / 1024)) });
  return t('js.file.mb', { n: (n / (1024 * 1024)).toLocaleString(lang, { maximumFractionDigits: 1 }) });
}

// The routes of a post's files (literal, so the route check reads them).
const fileRoutes = {
  declare: (p, b) => call('POST', `/v1/posts/${p}/attachments`, b),
  complete: (p, a) => call('POST', `/v1/posts/${p}/attachments/${a}/complete`),
  link: (p, a) => call('GET', `/v1/posts/${p}/attachments/${a}`),
  remove: (p, a) => call('DELETE', `/v1/posts/${p}/attachments/${a}`),
  removeFor: (p, a, reason) => call('DELETE', `/v1/posts/${p}/attachments/${a}?reason=${encodeURIComponent(reason)}`),
};

/** download asks for the file's link and follows it; the link is kept nowhere. */
async function download(p, f, button) {
  button.disabled = true;
  try {
    const { url } = await fileRoutes.link(p.id, f.id);
    window.location.assign(url);
  } catch (err) {
    const missing = err instanceof ApiResponse && err.status === 404;
    showErrors(document.body, missing ? [{ text: t('js.file.missing', { name: f.fileName }) }] : problemItems(err));
  } finally {
    button.disabled = false;
  }
}

/** fileItem is one file of the post: its name, type and size, download, and removal where allowed. */
function fileItem(p, f) {
  const nameId = `file-${f.id}-name`;
  const li = el('li', { class: 'item', id: `file-${f.id}` },
    el('p', {}, el('span', { id: nameId, text: f.fileName }), ` · ${t(`js.type.${f.contentType}`)} · ${sizeText(f.size)}`));
  const get = el('button', { type: 'button', class: 'button button-secondary', text: t('js.file.download'), 'aria-describedby': nameId });
  get.addEventListener('click', () => download(p, f, get));
  const actions = el('div', { class: 'button-group' }, get);
  li.append(actions);
  if (p.mine || p.removable) {
    const button = el('button', { type: 'button', class: 'button button-secondary', text: t(p.mine ? 'js.file.delete' : 'js.file.remove'), 'aria-describedby': nameId });
    const { box, open } = confirmBox({
      id: `file-${f.id}-confirm`,
      title: t(p.mine ? 'js.file.deleteTitle' : 'js.file.removeTitle', { name: f.fileName }),
      warning: t('js.file.warning'),
      submit: t(p.mine ? 'js.yesDelete' : 'js.yesRemove'),
      fields: p.mine ? [] : [reasonField(`file-${f.id}-reason`)],
      fieldTexts: { 'reason/required': t('js.reason.required') },
      opener: button,
      send: (form) => (p.mine ? fileRoutes.remove(p.id, f.id) : fileRoutes.removeFor(p.id, f.id, value(form, 'reason'))),
      done: () => gone(li, t('js.file.removed', { name: f.fileName })),
    });
    button.addEventListener('click', open);
    actions.append(button);
    li.append(box);
  }
  return li;
}

// The problems of the file calls that are about the file itself; too many
// uploads (429) also go on the file field, the summary adding when to try again.
const fileProblems = fileProblem(['attachment_type_not_allowed', 'attachment_too_large', 'attachment_not_accepted',
  'too_many_attachments', 'attachment_not_uploaded', 'attachment_complete']);
function onFile(err, refused) {
  if (err instanceof ApiResponse && err.status === 429 && err.problem) return onField(err, err.problem?.code, 'file');
  return fileProblems(err, refused);
}

/**
 * files is the post's files (a list, shown when there are any) and, on one's
 * own post where the page allows adding (attach: the policy {types, maxBytes,
 * imageMaxBytes}), the form adding one.
 */
function files(p, attach) {
  const list = el('ul', { class: 'items post-files', 'aria-label': t('js.file.list') }, ...(p.attachments || []).map((f) => fileItem(p, f)));
  list.hidden = !list.children.length;
  const region = el('div', { class: 'post-files-region' }, list);
  if (attach && p.mine) region.append(attachForm(p, attach, list));
  return region;
}

/** attachForm adds a file to the post: checked here, declared, sent with progress, checked by the API. */
function attachForm(p, attach, list) {
  const id = `post-${p.id}-file`;
  const area = el('div', { class: 'progress-box', hidden: true },
    el('label', { class: 'label', for: `${id}-progress`, text: t('js.file.progress') }),
    el('progress', { id: `${id}-progress`, max: '100', value: '0' }));
  const status = el('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const input = el('input', { class: 'file-input', id, name: 'file', type: 'file', accept: '.pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp,.jpg,.jpeg,.png,.webp', 'aria-describedby': `${id}-hint` });
  const form = el('form', {
    id: `post-${p.id}-attach`, novalidate: true, 'aria-label': t('js.file.formLabel'), 'data-types': attach.types, 'data-max-bytes': attach.maxBytes, 'data-image-max-bytes': attach.imageMaxBytes,
  },
  el('div', { class: 'field', 'data-field': 'file' },
    el('label', { class: 'label', for: id, text: t('js.file.label') }),
    el('div', { class: 'hint', id: `${id}-hint`, text: t('js.file.hint') }),
    el('p', { class: 'field-error', id: `${id}-error`, hidden: true }), input),
  area, status, el('button', { type: 'submit', class: 'button button-secondary', text: t('js.file.submit') }));
  let declared = ''; // the attachment declared last: removed when its upload fails, so it does not count
  bindUpload(form, {
    declare: async (file, contentType) => {
      const d = await fileRoutes.declare(p.id, { fileName: file.name, contentType, size: file.size });
      declared = d.attachment.id;
      return d;
    },
    complete: () => fileRoutes.complete(p.id, declared),
    failed: () => fileRoutes.remove(p.id, declared),
    problem: onFile,
    parts: { area, bar: area.querySelector('progress'), status },
    done: (a) => {
      const item = fileItem(p, a);
      list.append(item);
      list.hidden = false;
      status.textContent = t('js.file.added', { name: a.fileName });
    },
  });
  return form;
}

/** postExtra are a post's links, its actions with the comments toggle, and the comments region. */
function postExtra(p, actions, canComment) {
  let count = p.comments;
  const regionId = `post-${p.id}-comments`;
  const toggle = el('button', { type: 'button', class: 'button button-secondary', 'aria-expanded': 'false', 'aria-controls': regionId });
  const label = () => { toggle.textContent = t(toggle.getAttribute('aria-expanded') === 'true' ? 'js.comments.hide' : 'js.comments.show', { n: count }); };
  label();
  const countLine = el('p', { class: 'hint', text: t('js.comments.count', { n: count }) });
  const list = el('ul', { class: 'items comments' });
  const more = el('button', { type: 'button', class: 'button button-secondary', text: t('js.comments.more'), hidden: true });
  const changed = (by) => {
    count += by;
    countLine.textContent = t('js.comments.count', { n: count });
    label();
  };
  const region = el('section', { id: regionId, class: 'comments-region', 'aria-label': t('js.comments.region'), hidden: true }, list, more);
  const reload = paged(more, async (tail) => {
    const a = await call('GET', `/v1/posts/${p.id}/comments?limit=20${tail}`);
    return [a.comments, a.next];
  }, into(list, (c) => renderComment(c, () => changed(-1))));
  if (canComment) region.append(commentForm(p, list, (c) => renderComment(c, () => changed(-1)), changed));
  let loaded = false;
  toggle.addEventListener('click', async () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    if (open && !loaded) {
      toggle.disabled = true;
      try {
        await reload();
        loaded = true;
      } catch (err) {
        showErrors(document.body, problemItems(err));
        return;
      } finally {
        toggle.disabled = false;
      }
    }
    toggle.setAttribute('aria-expanded', String(open));
    region.hidden = !open;
    label();
  });
  actions.prepend(toggle);
  return [p.links.length ? linkList(p.links) : '', countLine, actions, region];
}

/** commentForm writes a comment under the post; the new one joins the list and takes the focus. */
function commentForm(p, list, render, changed) {
  const form = el('form', { novalidate: true, 'aria-label': t('js.comment.formLabel') },
    textField('text', `post-${p.id}-comment`, t('js.comment.text'), { rows: 3 }),
    el('button', { type: 'submit', class: 'button', text: t('js.comment.submit') }));
  bindForm(form, {
    body: (f) => ({ text: value(f, 'text') }),
    send: (b, key) => call('POST', `/v1/posts/${p.id}/comments`, b, { idempotencyKey: key }),
    done: (c) => {
      form.elements.namedItem('text').value = '';
      const item = render(c);
      list.append(item);
      changed(1);
      focusItem(item);
    },
  });
  return form;
}
