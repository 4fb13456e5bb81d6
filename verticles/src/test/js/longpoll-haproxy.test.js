// Long-poll through the load balancer (deploy/haproxy/haproxy.cfg: round-robin per request, no stickiness) in front
// of three clustered fat-jar nodes: a phoenix.js LongPoll client's polls and POSTs land on every node, which route
// them to the node holding its session by the session token. Run by io.switchboard.deploy.HaproxyTopologyIT.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { Socket, LongPoll } = require('phoenix');
const WebSocket = require('ws');
const helpers = require('./helpers');

const TOPIC = 'room:lp-haproxy';
const sockets = [];
after(() => sockets.forEach(s => s.disconnect()));

function open(name, transport, token) {
  const socket = new Socket(process.env.LB_URL, { transport, params: { token } });
  socket.name = name;
  sockets.push(socket);
  socket.connect();
  return socket;
}

const within = (what, executor) => helpers.within(what, executor, 15000);

test('a LongPoll client through HAProxy joins, pushes and receives, whichever node takes each request', async () => {
  const alice = open('alice', LongPoll, process.env.TOKEN_ALICE);
  const bob = open('bob', WebSocket, process.env.TOKEN_BOB);
  const a = alice.channel(TOPIC, {});
  const b = bob.channel(TOPIC, {});
  await helpers.join(a);
  await helpers.join(b);
  // The two may sit on different nodes: wait until the topic's subscriptions have reached both ways.
  await helpers.converged(a, b, 'lp-to-ws', 'alice');
  await helpers.converged(b, a, 'ws-to-lp', 'bob');
  for (let i = 0; i < 10; i++) {
    const marker = `steady-${i}`;
    const atBob = within(`${marker} at bob`, res => b.on('shout', p => p.marker === marker && res(p)));
    const atAlice = within(`${marker} at alice`, res => a.on('shout', p => p.marker === marker && res(p)));
    a.push('shout', { marker, from: 'alice' });
    await atBob;
    await atAlice;
  }
  assert.equal(alice.transportName(alice.transport), 'LongPoll');
  assert.equal(a.state, 'joined');
});
