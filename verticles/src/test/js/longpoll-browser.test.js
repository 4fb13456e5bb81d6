// The forced fallback in a real browser: headless Chromium loads the phoenix.js the node serves (1.8.16), with
// WebSockets blocked the way a proxy that refuses upgrades blocks them (the socket errors and closes with 1006
// before opening). With `longPollFallbackMs` the client switches to LongPoll, joins, pushes and receives over
// /socket/longpoll, and remembers the fallback for the tab. Then CORS with real preflights: a page of another origin
// (PAGE_PORT, listed in http.allowedOrigins) uses LongPoll with authToken (a header: preflighted) and NDJSON POSTs
// (preflighted); a page of an origin not listed (FOREIGN_PORT) gets nowhere. And presence (the stock Presence) and a
// binary push over LongPoll. Run by LongPollBrowserTest.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { launchChromium } = require('./browser');

const BASE = process.env.SWITCHBOARD_HTTP_URL;
let browser;

before(async () => { browser = await launchChromium(); });
after(async () => { if (browser) await browser.close(); });

test('with WebSockets blocked, phoenix.js falls back to LongPoll and the channel works', async () => {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    class BlockedWebSocket {
      constructor(url) {
        this.url = url;
        this.readyState = 0;
        setTimeout(() => {
          this.readyState = 3;
          if (this.onerror) this.onerror(new Event('error'));
          if (this.onclose) this.onclose(new CloseEvent('close', { code: 1006, wasClean: false }));
        }, 10);
      }
      send() { throw new Error('blocked'); }
      close() {}
    }
    Object.assign(BlockedWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    window.WebSocket = BlockedWebSocket;
  });
  await page.goto(`${BASE}/health`);
  await page.addScriptTag({ url: `${BASE}/vendor/phoenix.min.js` });
  const result = await page.evaluate(async ({ token }) => {
    const deadline = (what, p) => Promise.race([p, new Promise((_, rej) =>
      setTimeout(() => rej(new Error(`timed out waiting for ${what}`)), 10000))]);
    const socket = new Phoenix.Socket('/socket', { params: { token }, longPollFallbackMs: 300,
      reconnectAfterMs: () => 50 });
    const opened = new Promise(res => socket.onOpen(res));
    socket.connect();
    await deadline('open', opened);
    const ch = socket.channel('room:fallback', {});
    await deadline('join', new Promise((res, rej) => ch.join().receive('ok', res).receive('error', rej)));
    const echoed = new Promise(res => ch.on('shout', res));
    ch.push('shout', { body: 'over long-poll' });
    const got = await deadline('shout', echoed);
    return {
      transport: socket.transportName(socket.transport),
      memorized: sessionStorage.getItem('phx:fallback:LongPoll'),
      body: got.body,
    };
  }, { token: process.env.TOKEN });
  assert.equal(result.transport, 'LongPoll');
  assert.equal(result.memorized, 'true');
  assert.equal(result.body, 'over long-poll');
});

test('presence and a binary push over LongPoll in the browser', async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE}/health`);
  await page.addScriptTag({ url: `${BASE}/vendor/phoenix.min.js` });
  const result = await page.evaluate(async ({ token }) => {
    const deadline = (what, p) => Promise.race([p, new Promise((_, rej) =>
      setTimeout(() => rej(new Error(`timed out waiting for ${what}`)), 10000))]);
    const socket = new Phoenix.Socket('/socket', { params: { token }, transport: Phoenix.LongPoll });
    socket.connect();
    const ch = socket.channel('presence:lp-browser', {});
    const presence = new Phoenix.Presence(ch);
    const synced = new Promise(res => presence.onSync(() => {
      const list = presence.list((id, { metas }) => ({ id, metas: metas.length }));
      if (list.length > 0) res(list);
    }));
    await deadline('join', new Promise((res, rej) => ch.join().receive('ok', res).receive('error', rej)));
    const list = await deadline('presence sync', synced);
    const bytes = new Uint8Array([1, 2, 3, 255]).buffer;
    const reply = await deadline('binary push reply', new Promise((res, rej) =>
      ch.push('shout', bytes).receive('ok', () => res('ok')).receive('error', rej)));
    const text = await deadline('text push after it', new Promise((res, rej) => {
      ch.on('shout', payload => { if (payload.after === 'binary') res(payload.after); });
      ch.push('shout', { after: 'binary' }).receive('error', rej);
    }));
    return { transport: socket.transportName(socket.transport), list, reply, text };
  }, { token: process.env.TOKEN });
  assert.equal(result.transport, 'LongPoll');
  assert.equal(result.list.length, 1, JSON.stringify(result.list));
  assert.equal(result.list[0].metas, 1);
  assert.equal(result.reply, 'ok', 'the binary push (base64 in the POST) is taken');
  assert.equal(result.text, 'binary', 'and the session goes on: binary broadcasts are left out of its polls');
});

/** A page of its own origin, http://127.0.0.1:<port>, that the node does not serve. */
function pageServer(port) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>other origin</title>');
  });
  return new Promise(resolve => server.listen(port, '127.0.0.1', () => resolve(server)));
}

test('a page of an allowed origin uses LongPoll across origins, preflights and all', async () => {
  const server = await pageServer(Number(process.env.PAGE_PORT));
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${process.env.PAGE_PORT}/`);
    await page.addScriptTag({ url: `${BASE}/vendor/phoenix.min.js` });
    const body = await page.evaluate(async ({ base, token }) => {
      const deadline = (what, p) => Promise.race([p, new Promise((_, rej) =>
        setTimeout(() => rej(new Error(`timed out waiting for ${what}`)), 10000))]);
      const socket = new Phoenix.Socket(`${base}/socket`, { transport: Phoenix.LongPoll, authToken: token });
      socket.connect();
      const ch = socket.channel('room:cors', {});
      await deadline('join', new Promise((res, rej) => ch.join().receive('ok', res).receive('error', rej)));
      const echoed = new Promise(res => ch.on('shout', res));
      ch.push('shout', { body: 'from another origin' });
      const got = await deadline('shout', echoed);
      socket.disconnect();
      return got.body;
    }, { base: BASE, token: process.env.TOKEN });
    assert.equal(body, 'from another origin');
  } finally {
    server.close();
  }
});

test('a page of an origin not allowed never opens a session', async () => {
  const server = await pageServer(Number(process.env.FOREIGN_PORT));
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${process.env.FOREIGN_PORT}/`);
    await page.addScriptTag({ url: `${BASE}/vendor/phoenix.min.js` });
    const result = await page.evaluate(async ({ base, token }) => {
      const socket = new Phoenix.Socket(`${base}/socket`, { transport: Phoenix.LongPoll, params: { token },
        reconnectAfterMs: () => 60000 });
      let opened = false;
      socket.onOpen(() => { opened = true; });
      const errored = new Promise(res => socket.onError(res));
      socket.connect();
      await Promise.race([errored, new Promise((_, rej) =>
        setTimeout(() => rej(new Error('no error within 10 s')), 10000))]);
      socket.disconnect();
      return { opened };
    }, { base: BASE, token: process.env.TOKEN });
    assert.equal(result.opened, false);
  } finally {
    server.close();
  }
});
