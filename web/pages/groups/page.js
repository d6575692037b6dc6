// The members' network's groups: one group's page (its facts, joining and
// leaving, its posts and writing one, and for moderators and staff its members
// and join requests), the list of groups and committees (staff also create
// them), and the feed of the newest posts of all my groups. Posts render through
// web/assets/posts.js on the group page and the feed alike. Every network route
// answers 404 to someone without the network role, so each page first reads the
// person (GET /v1/me): without the role it says "No access" and shows no data.
// A member of a group turns mail about its new posts on and off on its page.

import { ApiResponse, bindForm, lang, t, value } from '../../assets/form.js';
import { call, guarded, requireRole, show, when } from '../../assets/signedin.js';
import { confirmBox, conflict, el, focusItem, into, paged, postBody, postFields, renderPost } from '../../assets/posts.js';

const $ = (id) => document.getElementById(id);

function kindText(g) {
  return t(g.kind === 'committee' ? 'js.kind.committee' : `js.kind.${g.access}`);
}

function roleText(g) {
  if (g.myRole) return t(`js.role.${g.myRole}`);
  return t(g.requested ? 'js.role.requested' : 'js.role.none');
}

const groupLink = (g) => `/${lang}/network/group?id=${encodeURIComponent(g.id)}`;

/** personName is a member's name, linking their profile when they have a complete one. */
function personName(x, meID) {
  if (!x.name) return el('span', { text: t('js.unnamed') });
  return el('a', { href: `/${lang}/network/member?id=${encodeURIComponent(x.accountId)}`, text: x.accountId === meID ? t('js.you', { name: x.name }) : x.name });
}

/** oneButton is a form of one submit button (bindForm: one request at a time, problems in the summary). */
function oneButton(text, secondary, send, done) {
  const form = el('form', { novalidate: true }, el('button', { type: 'submit', class: secondary ? 'button button-secondary' : 'button', text }));
  bindForm(form, { body: () => undefined, send: (_, key) => send(key), done });
  return form;
}

/** replaced puts a line saying what happened in place of the list item, with the focus. */
function replaced(li, text) {
  const p = el('p', { text });
  li.replaceChildren(p);
  focusItem(li);
}

// ---- One group ----

async function groupPage(me) {
  const id = new URLSearchParams(window.location.search).get('id') || '';
  let g;
  try {
    if (!id) throw new ApiResponse({ status: 404, headers: { get: () => null } }, {});
    g = await call('GET', `/v1/groups/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof ApiResponse && err.status === 404) {
      $('missing').hidden = false;
      return;
    }
    throw err;
  }
  const gid = encodeURIComponent(g.id);
  const self = encodeURIComponent(me.id);

  // Members add files to their own posts here (the page may reach the bucket, web.StoragePages).
  const attach = { ...$('attach-policy').dataset };
  const posts = paged($('posts-more'), async (tail) => {
    const a = await call('GET', `/v1/groups/${gid}/posts?limit=20${tail}`);
    return [a.posts, a.next];
  }, into($('posts'), (p) => renderPost(p, { canComment: !!g.myRole, attach })));

  const members = paged($('members-more'), async (tail) => {
    const a = await call('GET', `/v1/groups/${gid}/members?limit=50${tail}`);
    return [a.members, a.next];
  }, into($('members'), (m) => memberItem(m)));

  const requests = paged($('requests-more'), async (tail) => {
    const a = await call('GET', `/v1/groups/${gid}/requests?limit=50${tail}`);
    return [a.requests, a.next];
  }, into($('requests'), (r) => requestItem(r)));

  function memberItem(m) {
    const li = el('li', { class: 'item' }, el('p', {}, personName(m, me.id)),
      el('p', { class: 'hint', text: [m.company, t(`js.role.${m.role}`), t('js.since', { when: when(m.since) })].filter(Boolean).join(' · ') }));
    // Moderators remove members; staff anyone. Oneself leaves with "Leave".
    if (m.accountId !== me.id && (me.staff || (g.myRole === 'moderator' && m.role === 'member'))) {
      const name = m.name || t('js.unnamed');
      const button = el('button', { type: 'button', class: 'button button-secondary', text: t('js.removeMember') });
      const { box, open } = confirmBox({
        id: `member-${m.accountId}-confirm`,
        title: t('js.removeMemberTitle', { name }),
        warning: t('js.removeMemberWarning'),
        submit: t('js.yesRemove'),
        opener: button,
        send: () => call('DELETE', `/v1/groups/${gid}/members/${encodeURIComponent(m.accountId)}`),
        done: async () => {
          replaced(li, t('js.memberRemoved', { name }));
          await refreshFacts();
        },
      });
      button.addEventListener('click', open);
      li.append(button, box);
    }
    return li;
  }

  function requestItem(r) {
    const name = r.name || t('js.unnamed');
    const li = el('li', { class: 'item' }, el('p', {}, personName(r, me.id)),
      el('p', { class: 'hint', text: [r.company, t('js.askedAt', { when: when(r.at) })].filter(Boolean).join(' · ') }));
    const approve = oneButton(t('js.approve'), false, (key) => call('PUT', `/v1/groups/${gid}/members/${encodeURIComponent(r.accountId)}`, undefined, { idempotencyKey: key }), async () => {
      replaced(li, t('js.approved', { name }));
      await Promise.all([refreshFacts(), members()]);
    });
    const decline = oneButton(t('js.decline'), true, () => call('DELETE', `/v1/groups/${gid}/members/${encodeURIComponent(r.accountId)}`), () => replaced(li, t('js.declined', { name })));
    li.append(el('div', { class: 'button-group' }, approve, decline));
    return li;
  }

  /** refreshFacts reads the group again for its member count and my role. */
  async function refreshFacts() {
    g = await call('GET', `/v1/groups/${gid}`);
    facts();
  }

  function facts() {
    $('title').textContent = g.name;
    $('group-kind').textContent = kindText(g);
    $('group-members').textContent = String(g.members);
    $('group-role').textContent = roleText(g);
    $('group-description').textContent = g.description || '';
    $('group-description').hidden = !g.description;
  }

  /** showGroup shows the group as the reader may use it, and loads what they may read. */
  async function showGroup() {
    facts();
    const member = !!g.myRole;
    // Staff join any group or committee at once; others ask to join a closed group.
    $('join-form').hidden = member || g.requested || (g.kind === 'committee' && !me.staff);
    $('join-button').textContent = t(g.access === 'closed' && !me.staff ? 'js.ask' : 'js.join');
    $('requested').hidden = member || !g.requested;
    $('leave-form').hidden = !member;
    $('notify').hidden = !member;
    const canRead = member || me.staff;
    $('join-to-read').hidden = canRead;
    $('write').hidden = !member;
    $('posts-section').hidden = !canRead;
    const manages = me.staff || g.myRole === 'moderator';
    $('manage').hidden = !manages;
    $('requests-area').hidden = !manages || g.kind !== 'group';
    if (manages) fillSettings();
    const loads = [];
    if (member) loads.push(call('GET', `/v1/groups/${gid}/subscription`).then((a) => notifyState(a.subscribed)));
    if (canRead) {
      loads.push(posts().then(() => {
        $('posts-none').hidden = $('posts').children.length > 0 || !$('posts-more').hidden;
      }));
    }
    if (manages) loads.push(members());
    if (!$('requests-area').hidden) {
      loads.push(requests().then(() => {
        $('requests-none').hidden = $('requests').children.length > 0 || !$('requests-more').hidden;
      }));
    }
    await Promise.all(loads);
    $('group').hidden = false;
  }

  /** membershipDone reads the group again after joining or leaving and says what happened. */
  const membershipDone = (key) => async () => {
    await refreshFacts();
    await showGroup();
    $('membership-done-text').textContent = t(key, { name: g.name });
    show('membership-done');
  };
  const hideDone = () => { $('membership-done').hidden = true; };

  bindForm($('join-form'), {
    body: () => undefined,
    send: (_, key) => { hideDone(); return call('PUT', `/v1/groups/${gid}/members/${self}`, undefined, { idempotencyKey: key }); },
    done: (a) => membershipDone(a.status === 'requested' ? 'js.asked' : 'js.joined')(),
  });
  bindForm($('withdraw-form'), {
    body: () => undefined,
    send: () => { hideDone(); return call('DELETE', `/v1/groups/${gid}/members/${self}`); },
    done: membershipDone('js.withdrawn'),
  });
  bindForm($('leave-form'), {
    body: () => undefined,
    send: () => { hideDone(); return call('DELETE', `/v1/groups/${gid}/members/${self}`); },
    done: membershipDone('js.left'),
  });

  // ---- Mail about new posts (members only) ----

  let subscribed = false;
  /** notifyState shows whether mail about new posts is on: the button's pressed state and the status line. */
  function notifyState(on) {
    subscribed = on;
    $('notify-button').setAttribute('aria-pressed', String(on));
    $('notify-status').textContent = t(on ? 'js.notify.on' : 'js.notify.off');
  }
  // One form whose button turns the mail on or off, so bindForm sends one request
  // at a time and shows a refusal (429 with when to try again, 403, 404) in the summary.
  bindForm($('notify-form'), {
    body: () => undefined,
    send: () => (subscribed ? call('DELETE', `/v1/groups/${gid}/subscription`) : call('PUT', `/v1/groups/${gid}/subscription`)),
    done: (answer) => {
      notifyState(!!answer?.subscribed); // PUT answers {subscribed: true}; DELETE nothing
      // Disabled while sending, the button lost the focus; bindForm enables it again
      // only after done, so it takes the focus back just after.
      setTimeout(() => $('notify-button').focus());
    },
  });

  // ---- Settings (moderators and staff) and deletion (staff) ----

  function fillSettings() {
    const f = $('settings-form');
    f.elements.namedItem('name').value = g.name;
    f.elements.namedItem('description').value = g.description || '';
    f.elements.namedItem('access').value = g.access || 'open';
    $('access-area').hidden = g.kind !== 'group';
    $('delete-area').hidden = !me.staff;
  }
  bindForm($('settings-form'), {
    body: (f) => {
      const b = { version: g.version, name: value(f, 'name'), description: value(f, 'description') };
      if (g.kind === 'group') b.access = f.elements.namedItem('access').value;
      return b;
    },
    send: (b) => {
      $('settings-done').hidden = true;
      return call('PATCH', `/v1/groups/${gid}`, b).catch((err) => { throw conflict(err); });
    },
    done: async (answer) => {
      g = answer;
      await showGroup();
      show('settings-done');
    },
  });
  const { box, open } = confirmBox({
    id: 'delete-confirm',
    title: t('js.deleteTitle', { name: g.name }),
    warning: t('js.deleteWarning'),
    submit: t('js.yesDelete'),
    opener: $('delete-open'),
    send: () => call('DELETE', `/v1/groups/${gid}`),
    done: () => {
      $('group').hidden = true;
      show('deleted');
    },
  });
  $('delete-area').append(box);
  $('delete-open').addEventListener('click', open);

  // ---- Writing a post ----

  const form = $('post-form');
  form.append(...postFields('post'), el('button', { type: 'submit', class: 'button', text: t('js.post.submit') }));
  bindForm(form, {
    body: postBody,
    send: (b, key) => call('POST', `/v1/groups/${gid}/posts`, b, { idempotencyKey: key }),
    done: (p) => {
      form.reset();
      const item = renderPost(p, { canComment: true, attach });
      $('posts').prepend(item);
      $('posts-none').hidden = true;
      focusItem(item);
    },
  });

  await showGroup();
}

// ---- The list of groups ----

async function groupsPage(me) {
  const done = (text, link) => {
    $('groups-done-text').replaceChildren(text, ...(link ? [' ', link] : []));
  };
  const reload = paged($('groups-more'), async (tail) => {
    const a = await call('GET', `/v1/groups?limit=50${tail}`);
    return [a.groups, a.next];
  }, (items, first) => {
    if (first) {
      $('mine').replaceChildren();
      $('others').replaceChildren();
    }
    const added = items.map((g) => {
      const li = groupItem(g);
      $(g.myRole ? 'mine' : 'others').append(li);
      return li;
    });
    $('mine-none').hidden = $('mine').children.length > 0;
    $('others-none').hidden = $('others').children.length > 0;
    return added;
  });
  const afterAction = (key, g) => async () => {
    await reload();
    done(t(key, { name: g.name }));
    show('groups-done');
  };

  function groupItem(g) {
    const li = el('li', { class: 'item' }, el('h3', { class: 'item-title' }, el('a', { href: groupLink(g), text: g.name })),
      el('p', { class: 'hint', text: [kindText(g), t('js.members', { n: g.members }), roleText(g)].join(' · ') }));
    if (g.myRole || g.kind !== 'group') return li;
    if (g.requested) {
      li.append(oneButton(t('js.withdraw'), true, () => call('DELETE', `/v1/groups/${encodeURIComponent(g.id)}/members/${encodeURIComponent(me.id)}`), afterAction('js.withdrawn', g)));
    } else {
      const ask = g.access === 'closed' && !me.staff;
      li.append(oneButton(t(ask ? 'js.ask' : 'js.join'), false,
        (key) => call('PUT', `/v1/groups/${encodeURIComponent(g.id)}/members/${encodeURIComponent(me.id)}`, undefined, { idempotencyKey: key }),
        (a) => afterAction(a.status === 'requested' ? 'js.asked' : 'js.joined', g)()));
    }
    li.querySelector('button').setAttribute('aria-describedby', `group-${g.id}`);
    li.querySelector('a').id = `group-${g.id}`;
    return li;
  }

  if (me.staff) {
    $('create').hidden = false;
    const form = $('create-form');
    const kind = form.elements.namedItem('kind');
    const access = form.elements.namedItem('access');
    kind.addEventListener('change', () => { access.disabled = kind.value !== 'group'; });
    bindForm(form, {
      body: (f) => {
        const b = { kind: kind.value, name: value(f, 'name'), description: value(f, 'description') };
        if (kind.value === 'group') b.access = access.value;
        return b;
      },
      send: (b, key) => call('POST', '/v1/groups', b, { idempotencyKey: key }),
      done: async (g) => {
        form.reset();
        access.disabled = false;
        await reload();
        done(t('js.created', { name: g.name }), el('a', { href: groupLink(g), text: t('js.open', { name: g.name }) }));
        show('groups-done');
      },
    });
  }
  await reload();
}

// ---- The feed ----

async function feedPage() {
  const reload = paged($('posts-more'), async (tail) => {
    const a = await call('GET', `/v1/feed?limit=20${tail}`);
    return [a.posts, a.next];
  }, into($('posts'), (p) => renderPost(p, { withGroup: true, canComment: true })));
  await reload();
  $('posts-none').hidden = $('posts').children.length > 0 || !$('posts-more').hidden;
}

guarded(async () => {
  const m = await requireRole('network');
  const me = { id: m.id, staff: (m.roles || []).includes('staff') };
  if ($('group')) await groupPage(me);
  else if ($('create-form')) await groupsPage(me);
  else await feedPage();
});
