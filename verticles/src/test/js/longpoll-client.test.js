// Acceptance: the official phoenix npm client (1.8.x) with `transport: LongPoll` against a real Switchboard node,
// beside WebSocket clients. Node 20 has fetch and AbortController, which phoenix.js's Ajax uses when there is no
// XMLHttpRequest: no polyfill. Run by PhoenixJsClientTest, which starts the node and passes its URL and tokens.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { Socket, LongPoll, Presence } = require('phoenix');
const WebSocket = require('ws');
const { within, join } = require('./helpers');

const URL = process.env.SWITCHBOARD_SOCKET_URL; // ws://127.0.0.1:<port>/socket
const sockets = [];

function open(transport, opts) {
  const socket = new Socket(URL, { transport, reconnectAfterMs: () => 50, ...opts });
  sockets.push(socket);
  socket.connect();
  return socket;
}

after(() => sockets.forEach(s => s.disconnect()));

test('a LongPoll client opens, joins, and exchanges broadcasts with a WebSocket client', async () => {
  const alice = open(LongPoll, { params: { token: process.env.TOKEN_ALICE } });
  const bob = open(WebSocket, { params: { token: process.env.TOKEN_BOB } });
  await within('long-poll open', res => alice.onOpen(res));
  assert.equal(alice.transportName(alice.transport), 'LongPoll');
  const a = alice.channel('room:lp', {});
  const b = bob.channel('room:lp', {});
  await join(a);
  await join(b);

  const atBob = within('shout from long-poll at bob', res => b.on('shout', res));
  const reply = await within('push reply', (res, rej) =>
    a.push('shout', { body: 'from lp' }).receive('ok', res).receive('error', rej));
  assert.equal(reply.offset, 1);
  assert.deepEqual(await atBob, { body: 'from lp' });

  const atAlice = within('shout from bob at alice', res => a.on('shout', p => p.body === 'from ws' && res(p)));
  b.push('shout', { body: 'from ws' });
  assert.deepEqual(await atAlice, { body: 'from ws' });
});

test('authToken travels as X-Phoenix-AuthToken, and pushes before the join is acknowledged keep their order', async () => {
  const s = open(LongPoll, { authToken: process.env.TOKEN_CAROL });
  const ch = s.channel('chat:lp-order', {});
  const received = [];
  const all = within('5 messages', res => ch.on('message', p => { received.push(p.i); if (received.length === 5) res(); }));
  ch.join();
  for (let i = 0; i < 5; i++) ch.push('message', { i });
  await all;
  assert.deepEqual(received, [0, 1, 2, 3, 4]);
});

test('presence syncs between a LongPoll and a WebSocket client, and a leave reaches the other', async () => {
  const alice = open(LongPoll, { params: { token: process.env.TOKEN_ALICE } });
  const bob = open(WebSocket, { params: { token: process.env.TOKEN_BOB } });
  const a = alice.channel('presence:lp', {});
  const b = bob.channel('presence:lp', {});
  const pa = new Presence(a);
  const pb = new Presence(b);
  const keys = p => p.list(k => k).sort();
  await join(b);
  await join(a);
  await within('both present at alice (long-poll)', res => {
    const check = () => keys(pa).length === 2 && res();
    pa.onSync(check); check();
  });
  await within('both present at bob', res => {
    const check = () => keys(pb).length === 2 && res();
    pb.onSync(check); check();
  });
  assert.deepEqual(keys(pa), ['alice', 'bob']);
  const left = within('alice gone at bob', res => pb.onLeave(k => k === 'alice' && res()));
  a.leave();
  await left;
  assert.deepEqual(keys(pb), ['bob']);
});

test('binary pushes from a LongPoll client go as base64 and reach WebSocket clients as ArrayBuffer (polls leave binary frames out)', async () => {
  const alice = open(LongPoll, { params: { token: process.env.TOKEN_ALICE } });
  const bob = open(WebSocket, { params: { token: process.env.TOKEN_BOB } });
  const a = alice.channel('room:lp-binary', {});
  const b = bob.channel('room:lp-binary', {});
  await join(a);
  await join(b);
  const got = within('binary shout at bob', res => b.on('shout', res));
  a.push('shout', new Uint8Array([1, 2, 3, 250]).buffer);
  const payload = await got;
  assert.ok(payload instanceof ArrayBuffer, 'payload is an ArrayBuffer');
  assert.deepEqual([...new Uint8Array(payload)], [1, 2, 3, 250]);
});

test('a bad token is refused with 403 and the LongPoll client stops, as with Phoenix', async () => {
  const s = open(LongPoll, { params: { token: 'not-a-token' } });
  const code = await within('close', res => s.onClose(e => res(e.code)));
  assert.equal(code, 1008);
});

test('a user disconnect ends the session; the LongPoll client sees it gone (3410), reconnects and rejoins', async () => {
  const s = open(LongPoll, { params: { token: process.env.TOKEN_DAVE } });
  const ch = s.channel('room:lp-reconnect', {});
  await join(ch);
  const closeCodes = [];
  s.onClose(e => closeCodes.push(e.code));
  const rejoined = within('rejoin after disconnect', res => s.onMessage(m => {
    if (closeCodes.length > 0 && m.topic === 'room:lp-reconnect' && m.event === 'phx_reply' && m.payload.status === 'ok') res();
  }));
  const res = await fetch(`${process.env.SWITCHBOARD_API_URL}/disconnect`, {
    method: 'POST',
    headers: { authorization: `apikey ${process.env.SWITCHBOARD_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'dave' }),
  });
  assert.equal(res.status, 200, await res.text());
  await rejoined;
  assert.deepEqual(closeCodes, [3410], 'phoenix.js closes a LongPoll whose session is gone with 3410');
  assert.equal(ch.state, 'joined');
  const echoed = within('shout after the rejoin', r => ch.on('shout', p => p.after && r(p)));
  ch.push('shout', { after: true });
  assert.deepEqual(await echoed, { after: true });
});
