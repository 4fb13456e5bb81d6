// History and recovery on three fat-jar -cluster nodes, with the stock phoenix.js client and the shipped helper
// (webroot/js/switchboard-recovery.js). Run by HistoryClusterIT. PHASE=recover: everyday reconnects, on the same
// node and on another; PHASE=kill: SIGKILL of node C under a steady publish load; PHASE=drain: SIGTERM of node B.
// Env: TOKENS (user -> JWT), URL_A/B/C (ws .../socket), HTTP_A/B/C, API_KEY, PID_B, PID_C.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { Socket } = require('phoenix');
const WebSocket = require('ws');
const { within } = require('./helpers');
const { recoverable } = require('../../main/resources/webroot/js/switchboard-recovery.js');

const TOKENS = JSON.parse(process.env.TOKENS);
const URLS = { A: process.env.URL_A, B: process.env.URL_B, C: process.env.URL_C };
const HTTP = { A: process.env.HTTP_A, B: process.env.HTTP_B, C: process.env.HTTP_C };
const run = Date.now().toString(36);

const sockets = [];
after(() => sockets.forEach(s => s.disconnect()));

function open(node, user, options = {}) {
  // Heartbeats every 2 s while broadcasts flow: phoenix.js compares every incoming ref with its pending heartbeat
  // ref, and the "<epoch>:<offset>" refs must never be taken for one. (Much tighter, a reply late under load would
  // itself close the socket: phoenix.js gives a heartbeat one interval.)
  const socket = new Socket(URLS[node], { transport: WebSocket, params: { token: TOKENS[user] },
    heartbeatIntervalMs: 2000, reconnectAfterMs: () => 200, rejoinAfterMs: () => 200, ...options });
  sockets.push(socket);
  socket.connect();
  return socket;
}

/** A recovering channel that records every shout it gets as {offset, n, epoch}, and each join's outcome. */
function subscribe(socket, topic, from = null) {
  const channel = recoverable(socket, topic, {}, from);
  const seen = [];
  const joins = [];
  const waiters = [];
  channel.on('shout', (payload, ref) => {
    const at = ref.lastIndexOf(':');
    seen.push({ epoch: ref.slice(0, at), offset: Number(ref.slice(at + 1)), n: payload.n });
    waiters.slice().forEach(w => w());
  });
  channel.onRecovery = outcome => { joins.push(outcome); waiters.slice().forEach(w => w()); };
  const until = (what, cond, timeoutMs = 15000) => within(what, res => {
    if (cond()) return res();
    const check = () => { if (cond()) { waiters.splice(waiters.indexOf(check), 1); res(); } };
    waiters.push(check);
  }, timeoutMs);
  const joined = within(`join of ${topic}`, (res, rej) =>
    channel.join().receive('ok', res).receive('error', r => rej(new Error(JSON.stringify(r)))));
  return { channel, seen, joins, until, joined };
}

/** Pushes a shout and resolves with its reply ({epoch, offset}); rejects on error or timeout. */
function shout(channel, n, timeout = 10000) {
  return within(`reply to shout ${n}`, (res, rej) =>
    channel.push('shout', { n }, timeout).receive('ok', res)
      .receive('error', r => rej(new Error(`error ${JSON.stringify(r)}`)))
      .receive('timeout', () => rej(new Error('timeout'))), timeout + 1000);
}

function publisherOn(node, topic) {
  const channel = open(node, 'publisher').channel(topic, {});
  return within(`publisher join ${topic}`, res => channel.join().receive('ok', () => res(channel)));
}

function assertContiguous(seen, what) {
  for (let i = 1; i < seen.length; i++) {
    assert.equal(seen[i].epoch, seen[0].epoch, `${what}: one epoch`);
    assert.equal(seen[i].offset, seen[i - 1].offset + 1, `${what}: offsets ${seen[i - 1].offset} then ${seen[i].offset}`);
  }
}

if (process.env.PHASE === 'recover') {
  test('a rejoin on the same node gets the 50 it missed, in order, then live, with recovered: true', async () => {
    const topic = `room:same-${run}`;
    const pub = await publisherOn('B', topic);
    const socket = open('A', 'alice');
    const sub = subscribe(socket, topic);
    await sub.joined;
    await shout(pub, 0);
    await sub.until('the first shout', () => sub.seen.length === 1);
    socket.disconnect();
    for (let n = 1; n <= 50; n++) await shout(pub, n);
    socket.connect();
    await sub.until('the rejoin', () => sub.joins.length === 2);
    assert.equal(sub.joins[1].recovered, true);
    await sub.until('the 50 missed', () => sub.seen.length === 51);
    await shout(pub, 51);
    await sub.until('a live one', () => sub.seen.length === 52);
    assert.deepEqual(sub.seen.map(s => s.n), Array.from({ length: 52 }, (_, i) => i));
    assertContiguous(sub.seen, topic);
  });

  test('a client that comes back on another node recovers there', async () => {
    const topic = `chat:moved-${run}`;
    const pub = await publisherOn('C', topic);
    const first = open('A', 'alice');
    const before = subscribe(first, topic);
    await before.joined;
    await shout(pub, 0);
    await before.until('the first shout', () => before.seen.length === 1);
    first.disconnect();
    for (let n = 1; n <= 50; n++) await shout(pub, n);
    const after = subscribe(open('B', 'alice'), topic, before.channel.position());
    await after.joined;
    assert.equal(after.joins[0].recovered, true);
    await after.until('the 50 missed', () => after.seen.length === 50);
    await shout(pub, 51);
    await after.until('a live one', () => after.seen.length === 51);
    const all = before.seen.concat(after.seen);
    assert.deepEqual(all.map(s => s.n), Array.from({ length: 52 }, (_, i) => i));
    assertContiguous(all, topic);
  });

  test('a stale position gets recovered: false and nothing replayed', async () => {
    const topic = `room:stale-${run}`;
    const pub = await publisherOn('A', topic);
    for (let n = 0; n < 3; n++) await shout(pub, n);
    const sub = subscribe(open('C', 'alice'), topic, { epoch: 'not-this-one', offset: 2 });
    await sub.joined;
    assert.equal(sub.joins[0].recovered, false);
    const live = await shout(pub, 99);
    await sub.until('the live one', () => sub.seen.length === 1);
    assert.deepEqual(sub.seen.map(s => s.n), [99]);
    assert.deepEqual(sub.channel.position(), { epoch: live.epoch, offset: live.offset });
  });

  test('backends publish over HTTP with a position, and any node reads the history', async () => {
    const topic = `room:http-${run}`;
    const headers = { authorization: `apikey ${process.env.API_KEY}`, 'content-type': 'application/json' };
    const published = [];
    for (let n = 0; n < 3; n++) {
      const res = await fetch(`${HTTP.A}/api/publish`, { method: 'POST', headers,
        body: JSON.stringify({ topic, event: 'shout', payload: { n } }) });
      assert.equal(res.status, 200);
      published.push(await res.json());
    }
    assert.deepEqual(published.map(p => p.offset), [1, 2, 3]);
    const res = await fetch(`${HTTP.B}/api/topics/${encodeURIComponent(topic)}/history?since=1`, { headers });
    const page = await res.json();
    assert.equal(page.epoch, published[0].epoch);
    assert.deepEqual(page.publications.map(p => [p.offset, p.payload.n]), [[2, 1], [3, 2]]);
  });
}

/**
 * Subscribers of `topics` on `victim`; when their socket closes they come back on `refuge` with the position they
 * had, as a client behind a load balancer would. A publisher on `source` pushes to every topic before, during and
 * after `fault()`, retrying a push that fails. Every topic's subscriber must see every acked offset once, in order.
 */
async function survives(victim, refuge, source, topics, fault) {
  const pubs = await Promise.all(topics.map(t => publisherOn(source, t)));
  const subs = topics.map(t => {
    const socket = open(victim, 'alice', { reconnectAfterMs: () => 60000 });
    const s = { topic: t, lives: [subscribe(socket, t)] };
    socket.onClose(() => {
      if (s.lives.length === 1) s.lives.push(subscribe(open(refuge, 'alice'), t, s.lives[0].channel.position()));
    });
    return s;
  });
  await Promise.all(subs.map(s => s.lives[0].joined));
  const acked = topics.map(() => []);
  let retried = 0;
  const publish = async (i, n) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        acked[i].push({ n, ...(await shout(pubs[i], n, 5000)) });
        return;
      } catch (e) {
        retried++;
      }
    }
    throw new Error(`shout ${n} on ${topics[i]} never acked`);
  };
  const round = n => Promise.all(topics.map((_, i) => publish(i, n)));
  for (let n = 0; n < 5; n++) await round(n);
  const faultDone = fault();
  for (let n = 5; n < 25; n++) await round(n);
  await faultDone;
  for (const s of subs) {
    await within(`${s.topic} back on ${refuge}`, res => {
      const check = () => (s.lives.length === 2 ? res() : setTimeout(check, 20));
      check();
    }, 20000);
  }
  for (let n = 25; n < 30; n++) await round(n);
  let duplicates = 0;
  for (let i = 0; i < subs.length; i++) {
    const s = subs[i];
    const last = acked[i][acked[i].length - 1];
    const [before, after] = s.lives;
    await after.until(`${s.topic}: offset ${last.offset}`, () => after.seen.some(x => x.offset === last.offset));
    assert.equal(after.joins[0].recovered, true, `${s.topic} recovered`);
    const all = before.seen.concat(after.seen);
    assertContiguous(all, s.topic);
    assert.equal(new Set(all.map(x => x.offset)).size, all.length, `${s.topic}: no offset twice`);
    for (const a of acked[i]) {
      assert.ok(all.some(x => x.offset === a.offset && x.n === a.n), `${s.topic}: acked ${a.n} at ${a.offset}`);
    }
    duplicates += all.length - new Set(all.map(x => x.n)).size;
  }
  console.log(`HISTORY_FAULT topics=${topics.length} acked=${acked.flat().length} retried=${retried} ` +
    `republished=${duplicates} lost=0`);
}

if (process.env.PHASE === 'kill') {
  test('a SIGKILLed node loses no history: every subscriber of it recovers every acked message', async () => {
    const topics = Array.from({ length: 30 }, (_, i) => `room:kill-${run}-${i}`);
    await survives('C', 'B', 'A', topics, async () => process.kill(Number(process.env.PID_C), 'SIGKILL'));
  });
}

if (process.env.PHASE === 'drain') {
  test('a SIGTERM drain loses nothing: its subscribers recover on another node', async () => {
    const topics = Array.from({ length: 10 }, (_, i) => `chat:drain-${run}-${i}`);
    await survives('B', 'A', 'A', topics, async () => process.kill(Number(process.env.PID_B), 'SIGTERM'));
  });
}
