// The demo chat: the stock phoenix.js client, served by the node itself (no CDN).
/* global Phoenix, SwitchboardRecovery */
(function () {
  'use strict';
  const $ = id => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  if (params.get('token')) $('token').value = params.get('token');
  if (params.get('topic')) $('topic').value = params.get('topic');

  let socket = null;
  let channel = null;

  function setState(state, text) {
    const el = $('state');
    el.className = 'state ' + state;
    el.dataset.state = state;
    el.textContent = text || state;
  }

  function logEvent(text, cls) {
    const li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + ' ' + text;
    if (cls) li.className = cls;
    $('events').prepend(li);
  }

  function showMessage(payload) {
    const li = document.createElement('li');
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = payload.user || '?';
    li.append(who, document.createTextNode(payload.body || JSON.stringify(payload)));
    li.dataset.body = payload.body || '';
    $('messages').append(li);
  }

  // Payloads above the channel's threshold arrive zlib-compressed (see the README): inflate in the browser.
  async function decode(payload) {
    if (!payload || payload.compressed !== true) return payload;
    const bytes = Uint8Array.from(atob(payload.data), c => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return JSON.parse(await new Response(stream).text());
  }

  // Who is online, through the stock Presence class: on presence topics (presence:* as shipped, or any pattern
  // with "presence" in its config) the server pushes presence_state and presence_diff; elsewhere none arrives
  // and the panel stays hidden.
  function showOnline(presence) {
    const users = presence.list((key, { metas }) => ({ key, sockets: metas.length }));
    $('online-panel').classList.remove('off');
    $('online-count').textContent = '(' + users.length + ')';
    $('online').replaceChildren(...users.map(({ key, sockets }) => {
      const li = document.createElement('li');
      li.dataset.user = key;
      li.textContent = sockets > 1 ? key + ' \u00d7' + sockets : key;
      return li;
    }));
  }

  function connect(token, topic) {
    if (socket) socket.disconnect();
    socket = new Phoenix.Socket('/socket', { params: { token } });
    socket.onOpen(() => setState('open', 'connected'));
    socket.onError(() => setState('error', 'connection error'));
    socket.onClose(() => setState('closed', 'disconnected'));
    socket.connect();
    // On topics that keep history (room:*, chat:* as shipped) a rejoin after a drop gets what it missed.
    channel = SwitchboardRecovery.recoverable(socket, topic, {});
    channel.onRecovery = ({ recovered, offset }) => {
      if (recovered === true) logEvent('reconnected: caught up to #' + offset, 'recovered');
      if (recovered === false) logEvent('reconnected: too much was missed to replay; reload for the rest', 'throttle');
    };
    $('online-panel').classList.add('off');
    const presence = new Phoenix.Presence(channel);
    presence.onSync(() => showOnline(presence));
    presence.onJoin((key, current) => { if (!current) logEvent(key + ' came online', 'presence'); });
    presence.onLeave((key, current) => { if (current.metas.length === 0) logEvent(key + ' went offline', 'presence'); });
    channel.on('shout', async p => showMessage(await decode(p)));
    channel.on('message', async p => showMessage(await decode(p)));
    channel.on('batch', async p => {
      const batch = await decode(p);
      logEvent('batch of ' + batch.messages.length, 'batch');
      batch.messages.forEach(showMessage);
    });
    channel.on('throttle', p => logEvent('throttle: ' + p.reason, 'throttle'));
    channel.join()
      .receive('ok', () => {
        setState('joined', 'joined ' + topic);
        $('body').disabled = false;
        $('send-button').disabled = false;
        logEvent('joined ' + topic);
      })
      .receive('error', r => { setState('error', 'join refused: ' + r.reason); logEvent('join refused: ' + r.reason); });
  }

  $('connect').addEventListener('submit', e => {
    e.preventDefault();
    connect($('token').value.trim(), $('topic').value.trim());
  });

  $('send').addEventListener('submit', e => {
    e.preventDefault();
    const body = $('body').value;
    if (!channel || !body) return;
    const event = channel.topic.startsWith('batch:') ? 'add_message' : 'shout';
    channel.push(event, { body, user: $('token').dataset.user || 'me' })
      .receive('error', r => logEvent('push refused: ' + r.reason, 'throttle'));
    $('body').value = '';
  });

  // Show who we are from the token's sub claim (display only; the server checks the token).
  $('token').addEventListener('change', () => {
    try { $('token').dataset.user = JSON.parse(atob($('token').value.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub; } catch (e) { /* not a JWT */ }
  });
  if ($('token').value) {
    $('token').dispatchEvent(new Event('change'));
    connect($('token').value.trim(), $('topic').value.trim());
  }
})();
