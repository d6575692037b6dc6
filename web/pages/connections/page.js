// The members' network's contacts (HKC-8): requests sent to me (accept or
// decline), my own requests (withdraw), my contacts (remove, after a
// confirmation) and the members I block (unblock). Each member shows by the name
// their profile has now, linking it. Every network route answers 404 to someone
// without the network role; the page then says "No access" and shows no data.

import { bindForm, lang, t } from '../../assets/form.js';
import { call, guarded, when } from '../../assets/signedin.js';
import { confirmBox, el, focusItem, into, paged } from '../../assets/posts.js';

const $ = (id) => document.getElementById(id);

/** nameOf is the member's name linking their profile, or a plain line without a complete profile. */
function nameOf(x) {
  if (!x.name) return el('span', { text: t('js.unnamed') });
  return el('a', { href: `/${lang}/network/member?id=${encodeURIComponent(x.accountId)}`, text: x.name });
}

/** action is a form of one submit button: one request at a time, problems in the summary. */
function action(text, secondary, send, done) {
  const form = el('form', { novalidate: true }, el('button', { type: 'submit', class: secondary ? 'button button-secondary' : 'button', text }));
  bindForm(form, { body: () => undefined, send, done });
  return form;
}

/** settled puts a line saying what happened in place of the item, with the focus. */
function settled(li, text) {
  li.replaceChildren(el('p', { text }));
  focusItem(li);
}

/** item is one member of a list: name, company and date, a request's note, then the actions. */
function item(x, dateText, actions) {
  const li = el('li', { class: 'item' }, el('p', {}, nameOf(x)),
    el('p', { class: 'hint', text: [x.company, dateText].filter(Boolean).join(' · ') }));
  if (x.note) li.append(el('p', { class: 'message-text', text: t('js.note', { note: x.note }) }));
  li.append(el('div', { class: 'button-group' }, ...actions(li)));
  return li;
}

/** requests is list() for incoming or outgoing requests: each with its date, note and actions(x, name, li). */
function requests(filter, actions) {
  return list(filter, async (tail) => {
    const a = await call('GET', `/v1/connections?filter=${filter}&limit=50${tail}`);
    return [a.connections, a.next];
  }, (x) => item(x, t('js.sent', { when: when(x.at) }), (li) => actions(x, x.name || t('js.unnamed'), li)));
}

/** list loads one section page by page (load(tail) gives [items, next]) and says when it is empty. */
function list(id, load, render) {
  const reload = paged($(`${id}-more`), load, into($(id), render));
  return async () => {
    await reload();
    $(`${id}-none`).hidden = $(id).children.length > 0 || !$(`${id}-more`).hidden;
  };
}

async function load() {
  const accepted = list('accepted', async (tail) => {
    const a = await call('GET', `/v1/connections?filter=accepted&limit=50${tail}`);
    return [a.connections, a.next];
  }, (x) => {
    const name = x.name || t('js.unnamed');
    return item(x, t('js.since', { when: when(x.since) }), (li) => {
      const button = el('button', { type: 'button', class: 'button button-secondary', text: t('js.remove') });
      const { box, open } = confirmBox({
        id: `remove-${x.id}`,
        title: t('js.removeTitle', { name }),
        warning: t('js.removeWarning'),
        submit: t('js.yesRemove'),
        opener: button,
        send: () => call('DELETE', `/v1/connections/${encodeURIComponent(x.id)}`),
        done: () => settled(li, t('js.removed', { name })),
      });
      button.addEventListener('click', open);
      return [button, box];
    });
  });
  const incoming = requests('incoming', (x, name, li) => [
    action(t('js.accept'), false, () => call('POST', `/v1/connections/${encodeURIComponent(x.id)}/accept`), async () => {
      settled(li, t('js.accepted', { name }));
      await accepted();
    }),
    action(t('js.decline'), true, () => call('POST', `/v1/connections/${encodeURIComponent(x.id)}/decline`), () => settled(li, t('js.declined', { name }))),
  ]);
  const outgoing = requests('outgoing', (x, name, li) => [
    action(t('js.withdraw'), true, () => call('DELETE', `/v1/connections/${encodeURIComponent(x.id)}`), () => settled(li, t('js.withdrawn', { name }))),
  ]);
  const blocks = list('blocks', async (tail) => {
    const a = await call('GET', `/v1/blocks?limit=50${tail}`);
    return [a.blocks, a.next];
  }, (x) => {
    const name = x.name || t('js.unnamed');
    return item(x, t('js.blockedAt', { when: when(x.at) }), (li) => [
      action(t('js.unblock'), true, () => call('DELETE', `/v1/blocks/${encodeURIComponent(x.accountId)}`), () => settled(li, t('js.unblocked', { name }))),
    ]);
  });
  // The first read tells whether the person has the role (404: "No access").
  await incoming();
  await Promise.all([outgoing(), accepted(), blocks()]);
}

guarded(load);
