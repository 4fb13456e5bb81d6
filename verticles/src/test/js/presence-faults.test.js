// Presence when nodes go away, with the stock phoenix.js Presence class. Run by PresenceClusterIT on three fat-jar
// -cluster nodes. PHASE=faults: SIGKILL node C, then SIGTERM node B, watched from A. PHASE=restart: after C was
// started again, no presence of the killed node is left anywhere.
// Env as presence-cluster.test.js, plus PID_B, PID_C and METRICS_A (A's metrics base, for its cluster view).
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { Socket, Presence } = require('phoenix');
const WebSocket = require('ws');
const { within, join } = require('./helpers');

const TOKENS = JSON.parse(process.env.TOKENS);
const URLS = { A: process.env.URL_A, B: process.env.URL_B, C: process.env.URL_C };
const HTTP = { A: process.env.HTTP_A, B: process.env.HTTP_B, C: process.env.HTTP_C };
const TOPIC = 'presence:js-faults';

const sockets = [];
after(() => sockets.forEach(s => s.disconnect()));

function open(node, user) {
  // No reconnects: a user of a dead node would otherwise come back through... nowhere (its URL is gone).
  const socket = new Socket(URLS[node], { transport: WebSocket, params: { token: TOKENS[user] },
    reconnectAfterMs: () => 60000, rejoinAfterMs: () => 60000 });
  sockets.push(socket);
  socket.connect();
  return socket;
}

function watch(socket) {
  const channel = socket.channel(TOPIC, {});
  const presence = new Presence(channel);
  const syncs = [];
  presence.onSync(() => syncs.slice().forEach(f => f()));
  return {
    channel,
    keys: () => presence.list(key => key).sort(),
    until: (what, cond, timeoutMs) => within(what, res => {
      if (cond()) return res();
      const check = () => { if (cond()) { syncs.splice(syncs.indexOf(check), 1); res(); } };
      syncs.push(check);
    }, timeoutMs),
  };
}

async function listing(node) {
  const res = await fetch(`${HTTP[node]}/api/topics/${encodeURIComponent(TOPIC)}/presence`,
    { headers: { authorization: `apikey ${process.env.API_KEY}` } });
  assert.equal(res.status, 200);
  return res.json();
}

async function nodeCount() {
  const res = await fetch(`${process.env.METRICS_A}/cluster`);
  return (await res.json()).node_count;
}

if (process.env.PHASE === 'faults') {
  test('a SIGKILLed node\'s users leave everyone\'s view soon after the cluster drops the node', async () => {
    const watcher = watch(open('A', 'watcher'));
    await join(watcher.channel);
    for (const u of ['killed-1', 'killed-2']) await join(watch(open('C', u)).channel);
    for (const u of ['drained-1', 'drained-2']) await join(watch(open('B', u)).channel);
    const everyone = 'drained-1,drained-2,killed-1,killed-2,watcher';
    await watcher.until('watcher sees everyone', () => watcher.keys().join() === everyone);

    const killedAt = Date.now();
    process.kill(Number(process.env.PID_C), 'SIGKILL');
    // The cluster view, polled meanwhile: the leave is measured against it.
    let droppedAt = null;
    const poll = setInterval(async () => {
      if (droppedAt === null && (await nodeCount().catch(() => 3)) === 2) droppedAt = Date.now();
    }, 50);
    try {
      // Bound: Hazelcast's heartbeat timeout (cluster.xml, 10 s) for a node that hangs, plus the 5 s goal.
      await watcher.until('the killed node\'s users leave', () => !watcher.keys().some(k => k.startsWith('killed-')), 15000);
      const leftAt = Date.now();
      await within('A\'s cluster view without C', res => {
        const check = () => (droppedAt !== null ? res() : setTimeout(check, 20));
        check();
      }, 15000);
      // Hazelcast's member removal drives the leave; Vert.x's node list (/cluster) may drop C before or after it.
      console.log(`PRESENCE_SIGKILL leave ${leftAt - killedAt} ms after the kill; A's /cluster dropped C ${droppedAt - killedAt} ms after it`);
    } finally {
      clearInterval(poll);
    }
    assert.deepEqual(watcher.keys(), ['drained-1', 'drained-2', 'watcher']);
    const body = await listing('A');
    assert.deepEqual(Object.keys(body.presences).sort(), ['drained-1', 'drained-2', 'watcher']);
  });

  test('a SIGTERM drain removes the node\'s presences as its sockets close', async () => {
    const watcher = watch(open('A', 'watcher'));
    await join(watcher.channel);
    await watcher.until('watcher sees the drained node\'s users', () => watcher.keys().join() === 'drained-1,drained-2,watcher');
    const termAt = Date.now();
    process.kill(Number(process.env.PID_B), 'SIGTERM');
    await watcher.until('the drained node\'s users leave', () => watcher.keys().join() === 'watcher', 30000);
    const leftAt = Date.now();
    // Still draining or just gone: the leaves came with the closes, not with Hazelcast's member removal.
    console.log(`PRESENCE_SIGTERM leaves ${leftAt - termAt} ms after SIGTERM`);
    const body = await listing('A');
    assert.deepEqual(Object.keys(body.presences), ['watcher']);
  });
}

if (process.env.PHASE === 'restart') {
  test('a node started again after a SIGKILL serves no zombie presences', async () => {
    // The faults phase's own sockets closed as its process ended; the killed node's never closed at all.
    for (const node of ['A', 'C']) {
      const deadline = Date.now() + 10000;
      let body = await listing(node);
      while (body.connections !== 0 && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 50));
        body = await listing(node);
      }
      assert.equal(body.connections, 0, `${node}: ${JSON.stringify(body)}`);
    }
    const fresh = watch(open('C', 'restarted'));
    await join(fresh.channel);
    const other = watch(open('A', 'watcher'));
    await join(other.channel);
    await fresh.until('the restarted node sees exactly the live users', () => fresh.keys().join() === 'restarted,watcher');
    await other.until('A sees exactly the live users', () => other.keys().join() === 'restarted,watcher');
  });
}
