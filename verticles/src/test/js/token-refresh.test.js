// Acceptance: token refresh and expiry with the official phoenix npm client (1.8.x). Run by
// PhoenixJsClientTest against a node with auth.leewaySeconds 0, so a token dies at its exp; the tokens are minted
// here (HS256 with the node's secret) so that their exp is a few seconds from when they are used.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { Socket } = require('phoenix');
const WebSocket = require('ws');
const { within, join } = require('./helpers');

const URL = process.env.SWITCHBOARD_SOCKET_URL; // ws://127.0.0.1:<port>/socket
const SECRET = process.env.SWITCHBOARD_JWT_SECRET;
const sockets = [];

after(() => sockets.forEach(s => s.disconnect()));

const b64url = json => Buffer.from(JSON.stringify(json)).toString('base64url');

/** An HS256 token for `sub` whose exp is `seconds` from now (JWT exp is in whole seconds). */
function mint(sub, seconds) {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub, exp: Math.floor(Date.now() / 1000) + seconds })}`;
  return `${input}.${crypto.createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

function open(params) {
  // Node 20 has no global WebSocket: without `transport` phoenix.js silently falls back to long-polling.
  const socket = new Socket(URL, { transport: WebSocket, reconnectAfterMs: () => 50, params });
  sockets.push(socket);
  socket.connect();
  return socket;
}

/** The next close of `socket`, as phoenix.js reports it (a CloseEvent). */
const nextClose = (socket, what) => within(what, res => {
  const ref = socket.onClose(e => { socket.off([ref]); res(e); });
});

test('access_token extends the socket; without one it closes with 4001 and reconnects with a fresh token', async () => {
  let connects = 0;
  // params as a function: phoenix.js calls it on every (re)connect, so a reconnect takes a fresh token.
  const socket = open(() => { connects++; return { token: mint('ivy', 3) }; });
  // Its twin holds a token as short and never refreshes it; static params would reconnect with the dead token.
  const twin = open({ token: mint('ivy', 3) });
  const ch = socket.channel('room:js-refresh', {});
  const twinCh = twin.channel('room:js-refresh', {});
  await join(ch);
  await join(twinCh);

  const reply = await within('access_token reply', (res, rej) =>
    ch.push('access_token', { access_token: mint('ivy', 6) }).receive('ok', res).receive('error', rej));
  assert.deepEqual(reply, {});
  const refused = await within('refusal of a token for another user', (res, rej) =>
    ch.push('access_token', { access_token: mint('mallory', 60) }).receive('ok', rej).receive('error', res));
  assert.deepEqual(refused, { reason: 'token sub mismatch' });

  // The twin's first token runs out: its channel is told, then the socket is closed with 4001.
  const twinNotice = within('system message on the twin', res => twinCh.on('system', res));
  const twinClosed = await nextClose(twin, 'close of the twin');
  twin.disconnect();
  assert.equal(twinClosed.code, 4001);
  assert.equal(twinClosed.reason, 'token expired');
  assert.deepEqual(await twinNotice, { extension: 'system', status: 'error', message: 'token expired' });

  // Past the first token's exp the refreshed socket still works.
  assert.equal(socket.isConnected(), true);
  await within('heartbeat reply after the first exp', res => socket.ping(res));
  await within('push after the first exp', (res, rej) =>
    ch.push('shout', { after: 'first exp' }).receive('ok', res).receive('error', rej));

  // No further refresh: the refreshed token runs out too; phoenix.js reconnects (params again) and rejoins.
  const notice = within('system message before the close', res => ch.on('system', res));
  const rejoined = within('rejoin after the expiry', res => socket.onMessage(m => {
    if (connects > 1 && m.topic === 'room:js-refresh' && m.event === 'phx_reply' && m.payload.status === 'ok') res();
  }));
  const closed = await nextClose(socket, 'close at the refreshed exp');
  assert.equal(closed.code, 4001);
  assert.deepEqual(await notice, { extension: 'system', status: 'error', message: 'token expired' });
  await rejoined;
  assert.equal(connects, 2);
  assert.equal(ch.state, 'joined');
});
