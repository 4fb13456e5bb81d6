// The forced fallback in a real browser: headless Chromium loads the phoenix.js the node serves (1.8.16), with
// WebSockets blocked the way a proxy that refuses upgrades blocks them (the socket errors and closes with 1006
// before opening). With `longPollFallbackMs` the client switches to LongPoll, joins, pushes and receives over
// /socket/longpoll, and remembers the fallback for the tab. Run by LongPollBrowserTest.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
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
