// Many sockets (raw `ws`, so nothing is serialised on the client side) join one new topic at the same moment on
// a clustered node: every join must be answered. Run by ClusterTest. The node's cluster registration for the
// topic completes on one socket-verticle event loop while joins wait on every other one.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const { within } = require('./helpers');

const SOCKETS = 300;

test(`${SOCKETS} simultaneous first joins of a topic are all answered`, async () => {
  const sockets = [];
  try {
    const replies = [];
    for (let i = 0; i < SOCKETS; i++) {
      const ws = new WebSocket(`${process.env.WS_URL}/socket/websocket?vsn=2.0.0&token=${process.env.TOKEN}`);
      sockets.push(ws);
      replies.push(within(`join reply on socket ${i}`, (res, rej) => {
        ws.on('open', () => ws.send(JSON.stringify(['1', '1', process.env.TOPIC, 'phx_join', {}])));
        ws.on('message', m => {
          const f = JSON.parse(m.toString());
          if (f[3] === 'phx_reply' && f[1] === '1') res(f[4].status);
        });
        ws.on('error', rej);
      }));
    }
    const statuses = await Promise.all(replies);
    assert.equal(statuses.filter(s => s === 'ok').length, SOCKETS);
  } finally {
    sockets.forEach(ws => ws.terminate());
  }
});
