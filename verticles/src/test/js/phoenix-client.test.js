// Acceptance: the official phoenix npm client (1.8.x) against a real Switchboard node.
// Run by PhoenixJsClientTest, which starts the node and passes its URL and tokens in the environment.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { Socket } = require('phoenix');
const WebSocket = require('ws');
const { within, join } = require('./helpers');

const URL = process.env.SWITCHBOARD_SOCKET_URL; // ws://127.0.0.1:<port>/socket
const sockets = [];

function open(opts) {
  // Node 20 has no global WebSocket: without `transport` phoenix.js silently falls back to long-polling.
  const socket = new Socket(URL, { transport: WebSocket, reconnectAfterMs: () => 50, ...opts });
  sockets.push(socket);
  socket.connect();
  return socket;
}



after(() => sockets.forEach(s => s.disconnect()));

test('join, push and receive the broadcast on every subscriber', async () => {
  const alice = open({ params: { token: process.env.TOKEN_ALICE } });
  const bob = open({ params: { token: process.env.TOKEN_BOB } });
  const a = alice.channel('room:lobby', {});
  const b = bob.channel('room:lobby', {});
  await join(a);
  await join(b);
  const gotA = within('shout at alice', res => a.on('shout', res));
  const gotB = within('shout at bob', res => b.on('shout', res));
  const reply = await within('push reply', (res, rej) =>
    a.push('shout', { body: 'hello', n: 1 }).receive('ok', res).receive('error', rej));
  // room:* keeps history: the ok says where the broadcast went (docs/HISTORY.md).
  assert.deepEqual(Object.keys(reply).sort(), ['epoch', 'offset']);
  assert.equal(reply.offset, 1);
  assert.deepEqual(await gotA, { body: 'hello', n: 1 });
  assert.deepEqual(await gotB, { body: 'hello', n: 1 });
});

test('pushes made before the join is acknowledged are flushed in order', async () => {
  const s = open({ params: { token: process.env.TOKEN_ALICE } });
  const ch = s.channel('chat:order', {});
  const received = [];
  const all = within('5 messages', res => ch.on('message', p => { received.push(p.i); if (received.length === 5) res(); }));
  ch.join();
  for (let i = 0; i < 5; i++) ch.push('message', { i });
  await all;
  assert.deepEqual(received, [0, 1, 2, 3, 4]);
});

test('a push retried with its idempotency_key is answered with the first position and broadcast once', async () => {
  const alice = open({ params: { token: process.env.TOKEN_ALICE } });
  const bob = open({ params: { token: process.env.TOKEN_BOB } });
  const a = alice.channel('room:retry', {});
  const b = bob.channel('room:retry', {});
  await join(a);
  await join(b);
  const seen = [];
  const marker = within('marker at bob', res => b.on('shout', p => { seen.push(p.n); if (p.n === 'marker') res(); }));
  const payload = { n: 1, idempotency_key: 'retry-1' };
  // The first try may time out on the client (1 ms): the app retries the same payload, as after a lost reply.
  const first = await new Promise(res =>
    a.push('shout', payload, 1).receive('ok', res).receive('error', res).receive('timeout', () => res(null)));
  const retry = await within('retry reply', (res, rej) => a.push('shout', payload).receive('ok', res).receive('error', rej));
  assert.equal(retry.duplicate, true);
  assert.equal(retry.offset, 1);
  if (first !== null) assert.deepEqual(first, { epoch: retry.epoch, offset: 1 });
  await within('marker reply', (res, rej) => a.push('shout', { n: 'marker' }).receive('ok', res).receive('error', rej));
  await marker;
  assert.deepEqual(seen, [1, 'marker']);
});

test('authToken travels in the subprotocol header', async () => {
  const s = open({ authToken: process.env.TOKEN_BOB });
  await join(s.channel('room:subprotocol', {}));
});

test('a refused join reports the reason', async () => {
  const s = open({ params: { token: process.env.TOKEN_ALICE } });
  const ch = s.channel('notifications:somebody-else', {});
  const reason = await within('join error', (res, rej) =>
    ch.join().receive('ok', () => rej(new Error('joined a topic of another user'))).receive('error', res));
  assert.deepEqual(reason, { reason: 'unauthorized' });
  ch.leave();
});

test('a push the channel refuses gets an error reply', async () => {
  const s = open({ params: { token: process.env.TOKEN_ALICE } });
  const ch = s.channel('notifications:alice', {});
  await join(ch);
  const err = await within('error reply', (res, rej) => ch.push('message', {}).receive('ok', rej).receive('error', res));
  assert.deepEqual(err, { reason: 'push not allowed' });
});

test('a bad token never opens the socket', async () => {
  const s = open({ params: { token: 'forged' } });
  let opened = false;
  s.onOpen(() => { opened = true; });
  await within('socket error', res => s.onError(res));
  assert.equal(opened, false);
  s.disconnect();
});

test('heartbeats are answered', async () => {
  const s = open({ params: { token: process.env.TOKEN_BOB } });
  await within('open', res => s.onOpen(res));
  // ping() sends a heartbeat and calls back only when its reply arrives; within() fails if it never does.
  await within('heartbeat reply', res => s.ping(res));
});

test('leave is acknowledged', async () => {
  const s = open({ params: { token: process.env.TOKEN_BOB } });
  const ch = s.channel('room:leaving', {});
  await join(ch);
  await within('leave ok', (res, rej) => ch.leave().receive('ok', res).receive('error', rej));
  assert.equal(ch.state, 'closed');
});

test('binary payloads round-trip as ArrayBuffer', async () => {
  const alice = open({ params: { token: process.env.TOKEN_ALICE } });
  const bob = open({ params: { token: process.env.TOKEN_BOB } });
  const a = alice.channel('room:binary', {});
  const b = bob.channel('room:binary', {});
  await join(a);
  await join(b);
  const got = within('binary shout', res => b.on('shout', res));
  a.push('shout', new Uint8Array([1, 2, 3, 250]).buffer);
  const payload = await got;
  assert.ok(payload instanceof ArrayBuffer, 'payload is an ArrayBuffer');
  assert.deepEqual([...new Uint8Array(payload)], [1, 2, 3, 250]);
});

test('a user disconnect closes the socket and the client reconnects and rejoins', async () => {
  const s = open({ params: { token: process.env.TOKEN_CAROL } });
  const ch = s.channel('room:reconnect', {});
  await join(ch);
  const closeCodes = [];
  s.onClose(e => closeCodes.push(e.code));
  const rejoined = within('rejoin after disconnect', res => s.onMessage(m => {
    if (closeCodes.length > 0 && m.topic === 'room:reconnect' && m.event === 'phx_reply' && m.payload.status === 'ok') res();
  })).catch(e => {
    throw new Error(`${e.message}: closes ${JSON.stringify(closeCodes)}, socket ${s.connectionState()}, channel ${ch.state}`);
  });
  // The server API, as a backend would call it (kick a user after a ban or a password change).
  const res = await fetch(`${process.env.SWITCHBOARD_API_URL}/disconnect`, {
    method: 'POST',
    headers: { authorization: `apikey ${process.env.SWITCHBOARD_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'carol' }),
  });
  assert.equal(res.status, 200, await res.text());
  await rejoined;
  assert.deepEqual(closeCodes, [1001]);
  assert.equal(ch.state, 'joined');
});

// vsn=1.0.0: phoenix.js with a V1 serializer (JSON objects), as the older ports and realtime-js < 2.91 speak.
function openV1(token) {
  return open({
    params: { token },
    vsn: '1.0.0',
    encode: (msg, callback) => callback(JSON.stringify(msg)),
    decode: (raw, callback) => callback(JSON.parse(raw)),
  });
}

test('a V1 client joins, pushes, and shares broadcasts with a V2 client', async () => {
  const old = openV1(process.env.TOKEN_ALICE);
  const modern = open({ params: { token: process.env.TOKEN_BOB } });
  const o = old.channel('room:v1-js', {});
  const m = modern.channel('room:v1-js', {});
  await join(o);
  await join(m);
  const atOld = within('shout at the V1 client', res => o.on('shout', p => p.from === 'v2' && res(p)));
  const atModern = within('shout at the V2 client', res => m.on('shout', p => p.from === 'v1' && res(p)));
  const reply = await within('V1 push reply', (res, rej) =>
    o.push('shout', { from: 'v1' }).receive('ok', res).receive('error', rej));
  assert.deepEqual(Object.keys(reply).sort(), ['epoch', 'offset']);
  m.push('shout', { from: 'v2' });
  assert.deepEqual(await atOld, { from: 'v2' });
  assert.deepEqual(await atModern, { from: 'v1' });
  await within('V1 leave', (res, rej) => o.leave().receive('ok', res).receive('error', rej));
});

test('a V1 client rejoined on the same topic keeps only the new channel (join_ref in every frame)', async () => {
  const old = openV1(process.env.TOKEN_CAROL);
  const first = old.channel('room:v1-rejoin', {});
  await join(first);
  // A second channel object for the topic: the server closes the first join_ref, and only that one.
  const second = old.channel('room:v1-rejoin', {});
  const firstClosed = within('phx_close of the first join', res => first.onClose(res));
  await join(second);
  await firstClosed;
  const got = within('shout on the second channel', res => second.on('shout', res));
  second.push('shout', { still: 'joined' });
  assert.deepEqual(await got, { still: 'joined' });
});
