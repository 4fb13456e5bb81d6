// Acceptance: Supabase's realtime-js (pinned in package.json) against a Switchboard node whose config has a
// `realtime:*` rule of kind `realtime`. Run by RealtimeJsClientTest, which passes the node's URL and JWT secret.
// Broadcast and Presence only: no Postgres anywhere. docs/REALTIME.md.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { RealtimeClient } = require('@supabase/realtime-js');
const WebSocket = require('ws');
const { within } = require('./helpers');

const URLS = process.env.SWITCHBOARD_REALTIME_URLS.split(','); // ws://127.0.0.1:<port>/realtime/v1, one per node
const SECRET = process.env.SWITCHBOARD_JWT_SECRET;
const clients = [];

after(() => clients.forEach(c => c.disconnect()));

const b64url = json => Buffer.from(JSON.stringify(json)).toString('base64url');

/** An HS256 token for `sub` whose exp is `seconds` from now. */
function mint(sub, seconds = 3600) {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub, exp: Math.floor(Date.now() / 1000) + seconds })}`;
  return `${input}.${crypto.createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

/** A client on node `node` (0 or 1); `apikey` is the Switchboard token. Node 20 needs `ws` as the transport. */
function client(token, node = 0) {
  const c = new RealtimeClient(URLS[node % URLS.length], { params: { apikey: token }, transport: WebSocket });
  clients.push(c);
  return c;
}

/** Subscribes; resolves on SUBSCRIBED, rejects on CHANNEL_ERROR or TIMED_OUT. */
function subscribed(channel) {
  return within(`SUBSCRIBED to ${channel.topic}`, (res, rej) =>
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') res();
      else if (status !== 'CLOSED') rej(new Error(`${status}: ${err && err.message}`));
    }));
}

/** Broadcasts `event` on `from` every 250 ms until `to` hears one (a new topic's first cross-node join settles). */
async function converged(from, to, event) {
  const got = within(`${event} (retried)`, res => to.on('broadcast', { event }, res), 15000);
  const timer = setInterval(() => from.send({ type: 'broadcast', event, payload: {} }), 250);
  from.send({ type: 'broadcast', event, payload: {} });
  try { await got; } finally { clearInterval(timer); }
}

test('subscribe reaches SUBSCRIBED and broadcasts are exchanged, the sender left out without self', async () => {
  const alice = client(mint('alice'));
  const bob = client(mint('bob'), 1);
  const a = alice.channel('room-1', { config: { broadcast: { self: false, ack: true } } });
  const b = bob.channel('room-1', { config: { broadcast: { self: false } } });
  const atAlice = [];
  a.on('broadcast', { event: 'cursor' }, m => atAlice.push(m));
  const atBob = [];
  b.on('broadcast', { event: 'cursor' }, m => atBob.push(m));
  await subscribed(a);
  await subscribed(b);
  assert.equal(a.topic, 'realtime:room-1');
  if (URLS.length > 1) await converged(a, b, 'warm-up');

  const bobHeard = within('cursor at bob', res => b.on('broadcast', { event: 'cursor' }, res));
  // ack: true: send() resolves when the server has published it.
  assert.equal(await a.send({ type: 'broadcast', event: 'cursor', payload: { x: 1, y: 2 } }), 'ok');
  assert.deepEqual(await bobHeard, { type: 'broadcast', event: 'cursor', payload: { x: 1, y: 2 } });

  // Bob answers; alice's own broadcast, had it come back, would have reached her before this.
  const aliceHeard = within('cursor at alice', res => a.on('broadcast', { event: 'cursor' }, res));
  assert.equal(await b.send({ type: 'broadcast', event: 'cursor', payload: { from: 'bob' } }), 'ok');
  await aliceHeard;
  assert.deepEqual(atAlice.map(m => m.payload), [{ from: 'bob' }]);
  assert.deepEqual(atBob.map(m => m.payload), [{ x: 1, y: 2 }]);
});

test('self: true gets its own broadcast back', async () => {
  const carol = client(mint('carol'));
  const c = carol.channel('echo', { config: { broadcast: { self: true } } });
  const own = within('own broadcast', res => c.on('broadcast', { event: 'ping' }, res));
  await subscribed(c);
  await c.send({ type: 'broadcast', event: 'ping', payload: { n: 7 } });
  assert.deepEqual((await own).payload, { n: 7 });
});

test('a binary payload travels as realtime-js binary frames both ways', async () => {
  const dan = client(mint('dan'));
  const erin = client(mint('erin'));
  const d = dan.channel('bin', { config: { broadcast: { ack: true } } });
  const e = erin.channel('bin');
  await subscribed(d);
  await subscribed(e);
  const heard = within('binary broadcast', res => e.on('broadcast', { event: 'blob' }, res));
  const bytes = new Uint8Array([0, 1, 2, 254, 255]);
  assert.equal(await d.send({ type: 'broadcast', event: 'blob', payload: bytes.buffer }), 'ok');
  const m = await heard;
  assert.equal(m.type, 'broadcast');
  assert.ok(m.payload instanceof ArrayBuffer, `payload is ${m.payload && m.payload.constructor.name}`);
  assert.deepEqual([...new Uint8Array(m.payload)], [...bytes]);
});

test('presence: sync, join and leave by presence key, across nodes', async () => {
  const frank = client(mint('frank'));
  const gina = client(mint('gina'), 1);
  const f = frank.channel('lobby', { config: { presence: { key: 'frank-key' } } });
  const g = gina.channel('lobby', { config: { presence: { key: 'gina-key' } } });
  // realtime-js takes presence callbacks only before subscribe(): they feed waiters checked on every event.
  const joins = [];
  const leaves = [];
  const waiters = [];
  const check = () => waiters.slice().forEach(w => { if (w.done()) { waiters.splice(waiters.indexOf(w), 1); w.res(); } });
  g.on('presence', { event: 'join' }, p => { joins.push(p); check(); });
  g.on('presence', { event: 'leave' }, p => { leaves.push(p); check(); });
  g.on('presence', { event: 'sync' }, check);
  const until = (what, done) => within(what, res => { waiters.push({ done, res }); check(); }, 15000);
  await subscribed(f);
  await subscribed(g);

  const metas = () => g.presenceState()['frank-key'];
  const seen = until('frank in gina\'s presence state', () => metas() && metas()[0].status === 'online');
  assert.equal(await f.track({ status: 'online' }), 'ok');
  await seen;
  assert.equal(metas().length, 1);
  assert.ok(metas()[0].presence_ref, 'presence_ref present');
  assert.ok(joins.some(j => j.key === 'frank-key'), 'a join event for frank');

  // A second track replaces the meta: still one presence, with the new meta.
  const away = until('frank away', () => metas() && metas().length === 1 && metas()[0].status === 'away');
  assert.equal(await f.track({ status: 'away' }), 'ok');
  await away;

  const gone = until('frank leaves', () => !metas() && leaves.some(l => l.key === 'frank-key'));
  assert.equal(await f.untrack(), 'ok');
  await gone;
  const leave = leaves.filter(l => l.key === 'frank-key').pop();
  assert.equal(leave.leftPresences[0].status, 'away');
});

test('access_token refresh keeps the socket past its first token; without one it is closed', async () => {
  // Both tokens die in 3 s (the node's leeway is 0); only one client refreshes.
  const kept = client(mint('hal', 3));
  const lapsed = client(mint('ivy', 3));
  const k = kept.channel('refresh');
  const l = lapsed.channel('refresh');
  await subscribed(k);
  await subscribed(l);
  let keptSystem = null;
  k.on('system', {}, m => { keptSystem = m; });
  const lapsedSystem = within('system notice on the lapsed channel', res => l.on('system', {}, res), 15000);
  await kept.setAuth(mint('hal', 3600));
  const notice = await lapsedSystem;
  assert.equal(notice.status, 'error');
  assert.match(String(notice.message), /token expired/);
  // One socket verticle instance: the sweep that closed the lapsed socket passed the kept one too.
  const heard = within('kept socket still serves', res => k.on('broadcast', { event: 'still' }, res));
  const other = client(mint('jack'));
  const o = other.channel('refresh');
  await subscribed(o);
  await o.send({ type: 'broadcast', event: 'still', payload: {} });
  await heard;
  assert.equal(keptSystem, null);
});

test('a join with a bad access_token is refused with its reason', async () => {
  const kim = client(mint('kim'));
  kim.setAuth(mint('someone-else'));
  const ch = kim.channel('guarded');
  const err = await within('CHANNEL_ERROR', res => ch.subscribe((status, e) => { if (status === 'CHANNEL_ERROR') res(e); }));
  assert.match(String(err && err.message), /token sub mismatch/);
});

test('realtime-js with vsn 1.0.0 (V1 objects) and 2.0.0 share broadcasts and presence', async () => {
  const old = new RealtimeClient(URLS[0], { params: { apikey: mint('nia') }, transport: WebSocket, vsn: '1.0.0' });
  clients.push(old);
  const modern = client(mint('oz'));
  const o = old.channel('mixed', { config: { presence: { key: 'nia' } } });
  const m = modern.channel('mixed', { config: { presence: { key: 'oz' } } });
  const atOld = within('broadcast at the V1 client', res => o.on('broadcast', { event: 'hi' }, res));
  const atModern = within('broadcast at the V2 client', res => m.on('broadcast', { event: 'hi' }, res));
  const ozSeen = within('oz in the V1 client\'s presence', res =>
    o.on('presence', { event: 'sync' }, () => { if (o.presenceState().oz) res(); }), 15000);
  await subscribed(o);
  await subscribed(m);
  await o.send({ type: 'broadcast', event: 'hi', payload: { from: 'v1' } });
  assert.deepEqual((await atModern).payload, { from: 'v1' });
  await m.send({ type: 'broadcast', event: 'hi', payload: { from: 'v2' } });
  assert.deepEqual((await atOld).payload, { from: 'v2' });
  assert.equal(await m.track({ v: 2 }), 'ok');
  await ozSeen;
  assert.equal(o.presenceState().oz[0].v, 2);
});

test('REST broadcasts: httpSend (JSON and bytes) and send() while not subscribed reach the subscribers', async () => {
  const listener = client(mint('lee'));
  const l = listener.channel('rest');
  const news = within('news via httpSend', res => l.on('broadcast', { event: 'news' }, res));
  const blob = within('bytes via httpSend', res => l.on('broadcast', { event: 'blob' }, res));
  const fallback = within('send() fallback', res => l.on('broadcast', { event: 'fallback' }, res));
  await subscribed(l);

  const poster = client(mint('mo'));
  const p = poster.channel('rest'); // never subscribed: its socket cannot push there
  assert.deepEqual(await p.httpSend('news', { a: 1 }), { success: true });
  assert.deepEqual((await news).payload, { a: 1 });
  assert.deepEqual(await p.httpSend('blob', new Uint8Array([5, 6, 7]).buffer), { success: true });
  assert.deepEqual([...new Uint8Array((await blob).payload)], [5, 6, 7]);
  assert.equal(await p.send({ type: 'broadcast', event: 'fallback', payload: { b: 2 } }), 'ok');
  assert.deepEqual((await fallback).payload, { b: 2 });
});

test('REST broadcasts need a valid token', async () => {
  const nobody = new RealtimeClient(URLS[0], { params: { apikey: 'not-a-jwt' }, transport: WebSocket });
  await assert.rejects(nobody.channel('rest').httpSend('x', { a: 1 }), /token refused/);
});
