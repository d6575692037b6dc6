// The members' network's direct messages (HKC-7): my conversations, newest
// activity first, and one conversation (its messages newest first, writing one,
// deleting one for me, deleting the whole conversation for me, each after a
// confirmation). Only the API's `html` field is inserted as HTML: the server
// escaped it (<p>, <br> and <a rel="nofollow noopener noreferrer ugc"> only).
// Every network route answers 404 to someone without the network role, so the
// page first reads the person: without the role it says "No access".

import { ApiResponse, bindForm, lang, t, value } from '../../assets/form.js';
import { call, guarded, requireRole, show, when } from '../../assets/signedin.js';
import { confirmBox, el, focusItem, into, paged } from '../../assets/posts.js';

const $ = (id) => document.getElementById(id);

/** nameOf is who the conversation is with, as the reader may see them. */
function nameOf(w) {
  if (w.former) return t('js.former');
  return w.name || t('js.unnamed');
}

const convLink = (c) => `/${lang}/network/conversation?id=${encodeURIComponent(c.id)}`;

// ---- My conversations ----

async function listPage() {
  const reload = paged($('conversations-more'), async (tail) => {
    const a = await call('GET', `/v1/conversations?limit=50${tail}`);
    return [a.conversations, a.next];
  }, into($('conversations'), (c) => el('li', { class: 'item' },
    el('h3', { class: 'item-title' }, el('a', { href: convLink(c), text: t('js.with', { name: nameOf(c.with) }) })),
    el('p', { class: 'hint', text: t('js.last', { when: when(c.lastAt) }) }))));
  await reload();
  $('list-none').hidden = $('conversations').children.length > 0;
}

// ---- One conversation ----

async function conversationPage() {
  const id = new URLSearchParams(window.location.search).get('id') || '';
  let c;
  try {
    if (!id) throw new ApiResponse({ status: 404, headers: { get: () => null } }, {});
    c = await call('GET', `/v1/conversations/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof ApiResponse && err.status === 404) {
      $('missing').hidden = false;
      return;
    }
    throw err;
  }
  const cid = encodeURIComponent(c.id);
  const peer = nameOf(c.with);
  $('with').replaceChildren(c.with.id && c.with.name
    ? el('a', { href: `/${lang}/network/member?id=${encodeURIComponent(c.with.id)}`, text: t('js.with', { name: peer }) })
    : document.createTextNode(t('js.with', { name: peer })));
  if (c.with.former) {
    $('closed').hidden = false;
    $('write').hidden = true;
  }

  const reload = paged($('messages-more'), async (tail) => {
    const a = await call('GET', `/v1/conversations/${cid}/messages?limit=50${tail}`);
    return [a.messages, a.next];
  }, into($('messages'), messageItem));
  const refresh = async () => {
    await reload();
    $('messages-none').hidden = $('messages').children.length > 0;
  };

  function messageItem(m) {
    const body = el('div', { class: 'message-text' });
    body.innerHTML = m.html; // escaped by the server (see above)
    const li = el('li', { class: 'item' },
      el('p', { class: 'hint', text: m.mine ? t('js.mine', { when: when(m.at) }) : t('js.theirs', { name: peer, when: when(m.at) }) }), body);
    const button = el('button', { type: 'button', class: 'button button-secondary', text: t('js.deleteMessage') });
    const { box, open } = confirmBox({
      id: `message-${m.id.replace(/[^a-zA-Z0-9-]/g, '-')}-confirm`,
      title: t('js.deleteMessageTitle'),
      warning: t('js.deleteMessageWarning'),
      submit: t('js.yesDelete'),
      opener: button,
      send: () => call('DELETE', `/v1/messages/${encodeURIComponent(m.id)}`),
      done: () => {
        li.replaceChildren(el('p', { text: t('js.messageDeleted') }));
        focusItem(li);
      },
    });
    button.addEventListener('click', open);
    li.append(button, box);
    return li;
  }

  const form = $('send-form');
  bindForm(form, {
    body: (f) => ({ text: value(f, 'text') }),
    send: (b) => call('POST', `/v1/conversations/${cid}/messages`, b),
    done: async () => {
      form.reset();
      await refresh();
      $('sent').textContent = t('js.sent');
    },
  });

  const opener = $('delete-open');
  const { box, open } = confirmBox({
    id: 'delete-confirm',
    title: t('js.deleteConvTitle'),
    warning: t('js.deleteConvWarning'),
    submit: t('js.yesDelete'),
    opener,
    send: () => call('DELETE', `/v1/conversations/${cid}`),
    done: () => {
      $('conversation').hidden = true;
      show('deleted');
    },
  });
  $('delete-box').append(box);
  opener.addEventListener('click', open);
  await refresh();
  $('conversation').hidden = false;
}

guarded(async () => {
  await requireRole('network');
  if ($('send-form')) await conversationPage();
  else await listPage();
});
