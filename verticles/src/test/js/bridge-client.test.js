// Acceptance: @vertx/eventbus-bridge-client.js (with sockjs-client) against the /eventbus bridge,
// side by side with a phoenix client on the same topic. Run by EventBusBridgeTest.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const EventBus = require('@vertx/eventbus-bridge-client.js');
const { Socket } = require('phoenix');
const WebSocket = require('ws');
const { within } = require('./helpers');

const BASE = process.env.SWITCHBOARD_HTTP_URL; // http://127.0.0.1:<port>
const closers = [];
after(() => closers.forEach(c => c()));


async function bridge(token) {
  const eb = new EventBus(`${BASE}/eventbus?token=${encodeURIComponent(token)}`);
  eb.enableReconnect(false);
  closers.push(() => { try { eb.close(); } catch (e) { /* already closed */ } });
  await within('bridge open', res => { eb.onopen = res; });
  return eb;
}

function phoenix(token) {
  const s = new Socket(`${BASE.replace('http', 'ws')}/socket`, { transport: WebSocket, params: { token } });
  closers.push(() => s.disconnect());
  s.connect();
  return s;
}

test('a bridge client receives the broadcasts phoenix clients of the topic get', async () => {
  const eb = await bridge(process.env.TOKEN_ALICE);
  const got = within('bridge message', (res, rej) => eb.registerHandler('topic:room:bridge', (err, msg) => err ? rej(err) : res(msg.body)));
  const s = phoenix(process.env.TOKEN_BOB);
  const ch = s.channel('room:bridge', {});
  await within('join', (res, rej) => ch.join().receive('ok', res).receive('error', rej));
  // Registration is acknowledged only implicitly; push until it lands (bounded).
  for (let i = 0; i < 50; i++) {
    const done = await Promise.race([got.then(() => true), new Promise(r => setTimeout(() => r(false), 100))]);
    if (done) break;
    ch.push('shout', { from: 'phoenix', i });
  }
  const body = await got;
  assert.equal(body.topic, 'room:bridge');
  assert.equal(body.event, 'shout');
  assert.equal(body.payload.from, 'phoenix');
});

test('a bridge push reaches phoenix clients and gets a reply', async () => {
  const s = phoenix(process.env.TOKEN_BOB);
  const ch = s.channel('room:bridge-push', {});
  await within('join', (res, rej) => ch.join().receive('ok', res).receive('error', rej));
  const got = within('phoenix shout', res => ch.on('shout', res));
  const eb = await bridge(process.env.TOKEN_ALICE);
  const reply = await within('push reply', (res, rej) =>
    eb.send('switchboard.bridge.push', { topic: 'room:bridge-push', event: 'shout', payload: { from: 'bridge' } },
      (err, msg) => err ? rej(err) : res(msg.body)));
  assert.deepEqual(reply, { status: 'ok' });
  assert.deepEqual(await got, { from: 'bridge' });
});

test('an HTTP API publish reaches bridge and phoenix clients alike', async () => {
  const eb = await bridge(process.env.TOKEN_ALICE);
  const s = phoenix(process.env.TOKEN_BOB);
  const ch = s.channel('room:api-fanout', {});
  await within('join', (res, rej) => ch.join().receive('ok', res).receive('error', rej));
  const viaPhoenix = within('phoenix news', res => ch.on('news', res));
  const viaBridge = within('bridge news', (res, rej) =>
    eb.registerHandler('topic:room:api-fanout', (err, msg) => err ? rej(err) : res(msg.body)));
  // The bridge registration is not acknowledged to the client: publish until it lands (bounded).
  let bridged = null;
  for (let i = 0; i < 50 && !bridged; i++) {
    const r = await fetch(`${BASE}/api/publish`, {
      method: 'POST', headers: { authorization: `apikey ${process.env.API_KEY}` },
      body: JSON.stringify({ topic: 'room:api-fanout', event: 'news', payload: { n: i } }),
    });
    assert.equal(r.status, 200);
    bridged = await Promise.race([viaBridge, new Promise(r2 => setTimeout(() => r2(null), 100))]);
  }
  assert.equal((await viaPhoenix).n, 0);
  assert.equal(bridged.event, 'news');
  assert.equal(typeof bridged.payload.n, 'number');
});

test('join rules apply to bridge pushes', async () => {
  const eb = await bridge(process.env.TOKEN_ALICE);
  const err = await within('refusal', (res, rej) =>
    eb.send('switchboard.bridge.push', { topic: 'notifications:bob', event: 'message', payload: {} },
      (e, msg) => e ? res(e) : rej(new Error('pushed to another user\'s topic'))));
  assert.equal(err.message, 'unauthorized');
});

test('addresses other than the push address are refused', async () => {
  const eb = await bridge(process.env.TOKEN_ALICE);
  const err = await within('refusal', res => {
    eb.onerror = res;
    eb.send('switchboard.publish', { topic: 'room:x', event: 'shout', payload: {} });
  });
  assert.equal(err.body, 'rejected');
});

test('a bad token closes the bridge socket', async () => {
  const eb = new EventBus(`${BASE}/eventbus?token=forged`);
  eb.enableReconnect(false);
  await within('close', res => { eb.onclose = res; });
});

async function apiPublish(topic, event, payload) {
  const r = await fetch(`${BASE}/api/publish`, {
    method: 'POST', headers: { authorization: `apikey ${process.env.API_KEY}` },
    body: JSON.stringify({ topic, event, payload }),
  });
  assert.equal(r.status, 200);
}

/**
 * Registers `topic:<topic>` on `eb` and records every message body; `until(pred)` resolves with the first recorded
 * message matching `pred` (already seen or still to come). Resolves once a server publish has arrived, so the
 * registration is live: registration is not acknowledged to the client, so each round publishes a warm-up and
 * awaits its HTTP reply (no timer), until one arrives or the deadline passes.
 */
async function recording(eb, topic) {
  const rec = { seen: [], waiters: [], error: null };
  rec.until = pred => new Promise(res => {
    const hit = rec.seen.find(pred);
    if (hit) res(hit); else rec.waiters.push({ pred, res });
  });
  eb.registerHandler(`topic:${topic}`, (err, msg) => {
    if (err) { rec.error = err; return; }
    rec.seen.push(msg.body);
    rec.waiters = rec.waiters.filter(w => !(w.pred(msg.body) && (w.res(msg.body), true)));
  });
  const deadline = Date.now() + 10000;
  for (let i = 0; rec.seen.length === 0; i++) {
    assert.equal(rec.error, null, `registration of topic:${topic} refused`);
    assert.ok(Date.now() < deadline, `registration of topic:${topic} never went live`);
    await apiPublish(topic, 'warmup', { i });
  }
  return rec;
}

test('a bridge client cannot send or publish to another user\'s topic address', async () => {
  const alice = await bridge(process.env.TOKEN_ALICE);
  const recs = { 'notifications:alice': await recording(alice, 'notifications:alice'),
    'room:alice-den': await recording(alice, 'room:alice-den') };
  const bob = await bridge(process.env.TOKEN_BOB);
  for (const [topic, rec] of Object.entries(recs)) {
    for (const how of ['send', 'publish']) {
      const err = await within(`refusal of bob's ${how} to topic:${topic}`, (res, rej) => {
        bob.onerror = res;
        rec.until(m => m.payload && m.payload.forged === how)
          .then(m => rej(new Error(`alice received bob's forged ${how}: ${JSON.stringify(m)}`)));
        bob[how](`topic:${topic}`, { topic, event: 'news', payload: { forged: how } });
      });
      assert.equal(err.body, 'rejected', `${how} to topic:${topic}`);
    }
  }
  // Nothing reached alice: a later server publish is the first non-warm-up message on each of her handlers.
  for (const [topic, rec] of Object.entries(recs)) {
    await apiPublish(topic, 'legit', { from: 'server' });
    await within(`server publish to ${topic}`, res => rec.until(m => m.event === 'legit').then(res));
    assert.deepEqual(rec.seen.find(m => m.event !== 'warmup'), { topic, event: 'legit', payload: { from: 'server' } });
  }
});

test('a registration past the per-socket handler limit is refused with an error, not dropped', async () => {
  const limit = Number(process.env.MAX_HANDLERS);
  const eb = await bridge(process.env.TOKEN_ALICE);
  const errors = [];
  eb.onerror = e => errors.push(e.body);
  for (let i = 0; i < limit; i++) eb.registerHandler(`topic:room:lim-${i}`, () => {});
  const subscribers = async topic => {
    const res = await fetch(`${BASE}/api/topics/${topic}/subscribers`, { headers: { authorization: `apikey ${process.env.API_KEY}` } });
    return (await res.json()).subscribers;
  };
  // Registrations are not acknowledged: the last one's subscription shows it (bounded wait).
  for (let i = 0; i < 100 && await subscribers(`room:lim-${limit - 1}`) !== 1; i++) await new Promise(r => setTimeout(r, 50));
  assert.equal(await subscribers(`room:lim-${limit - 1}`), 1);
  assert.deepEqual(errors, []);
  const refused = within('the refusal', res => { eb.onerror = res; });
  eb.registerHandler(`topic:room:lim-${limit}`, () => {});
  assert.equal((await refused).body, 'rejected');
  assert.equal(await subscribers(`room:lim-${limit}`), 0);
});

test('a bridge push with a lone surrogate in its event gets an error reply', async () => {
  const eb = await bridge(process.env.TOKEN_ALICE);
  const err = await within('refusal', (res, rej) =>
    eb.send('switchboard.bridge.push', { topic: 'room:bridge-sur', event: '\ud800', payload: {} },
      (e) => e ? res(e) : rej(new Error('accepted'))));
  assert.equal(err.message, 'topic and event must be well-formed Unicode (no lone surrogates)');
});
