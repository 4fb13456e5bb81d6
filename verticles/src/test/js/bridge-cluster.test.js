// Across a cluster: a bridge client on node B receives what a phoenix client pushes on node A.
// Run by ClusterProcessIT against fat-jar nodes started with -cluster.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const EventBus = require('@vertx/eventbus-bridge-client.js');
const { Socket } = require('phoenix');
const WebSocket = require('ws');
const { within, join } = require('./helpers');

const closers = [];
after(() => closers.forEach(c => c()));

test('a bridge client on one node gets broadcasts pushed on another node', async () => {
  const eb = new EventBus(`${process.env.HTTP_B}/eventbus?token=${encodeURIComponent(process.env.TOKEN_ALICE)}`);
  eb.enableReconnect(false);
  closers.push(() => eb.close());
  await within('bridge open on B', res => { eb.onopen = res; });
  const got = within('broadcast on B', (res, rej) =>
    eb.registerHandler('topic:room:bridge-cluster', (err, msg) => err ? rej(err) : res(msg.body)));
  const s = new Socket(`${process.env.WS_A}/socket`, { transport: WebSocket, params: { token: process.env.TOKEN_BOB } });
  closers.push(() => s.disconnect());
  s.connect();
  const ch = s.channel('room:bridge-cluster', {});
  await join(ch);
  // The bridge registration is not acknowledged to the client: push until it lands (bounded).
  let body = null;
  for (let i = 0; i < 50 && !body; i++) {
    ch.push('shout', { from: 'A', i });
    body = await Promise.race([got, new Promise(r => setTimeout(() => r(null), 100))]);
  }
  assert.ok(body, 'no broadcast reached the bridge client on B');
  assert.equal(body.payload.from, 'A');
});
