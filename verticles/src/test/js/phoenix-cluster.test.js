// Acceptance across a cluster: the official phoenix client on two different nodes of one cluster.
// Run by ClusterProcessIT against fat-jar nodes started with -cluster.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { Socket } = require('phoenix');
const WebSocket = require('ws');
const { within, join, converged } = require('./helpers');

const sockets = [];
after(() => sockets.forEach(s => s.disconnect()));

function open(url, token) {
  const socket = new Socket(url, { transport: WebSocket, params: { token } });
  sockets.push(socket);
  socket.connect();
  return socket;
}



test('a push on one node reaches a subscriber on another node', async () => {
  const alice = open(process.env.URL_A, process.env.TOKEN_ALICE);
  const bob = open(process.env.URL_B, process.env.TOKEN_BOB);
  const a = alice.channel('room:cluster-js', {});
  const b = bob.channel('room:cluster-js', {});
  await join(a);
  await join(b);
  await converged(a, b, 'a-to-b');
  await converged(b, a, 'b-to-a');
  // Late probes may still arrive: wait for these payloads, not just any shout.
  const gotB = within('shout on node B', res => b.on('shout', p => { if (p.from === 'alice on A') res(p); }));
  const gotA = within('shout back on node A', res => a.on('shout', p => { if (p.from === 'alice on A') res(p); }));
  a.push('shout', { from: 'alice on A' });
  assert.deepEqual(await gotB, { from: 'alice on A' });
  assert.deepEqual(await gotA, { from: 'alice on A' });
  const backToA = within('reply from B reaching A', res => a.on('message', res));
  b.push('message', { from: 'bob on B' });
  assert.deepEqual(await backToA, { from: 'bob on B' });
});
