// permessage-deflate with a real browser: Chromium offers deflate the way every browser does (keeping its context,
// never offering client_no_context_takeover). The server answers with no context takeover both ways, frees its
// inflater after each message, and every message must still arrive intact in both directions. Run by
// DeflateBrowserTest against a node with compression.permessageDeflate on.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launchChromium } = require('./browser');

const BASE = process.env.SWITCHBOARD_HTTP_URL;
let browser;

before(async () => { browser = await launchChromium(); });
after(async () => { if (browser) await browser.close(); });

test('a browser is asked for no context takeover and repetitive messages survive both ways', async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE}/health`);
  const socketUrl = BASE.replace(/^http/, 'ws') + '/socket/websocket?vsn=2.0.0&token='
    + encodeURIComponent(process.env.TOKEN);
  const result = await page.evaluate(async ({ url, count }) => {
    const ws = new WebSocket(url);
    const inbox = [];
    let wake = () => {};
    let closed = null;
    ws.onmessage = e => { inbox.push(JSON.parse(e.data)); wake(); };
    ws.onclose = e => { closed = `${e.code} ${e.reason}`; wake(); };
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('socket error')); });
    const next = (what, match) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; closed: ${closed}`)), 10000);
      const look = () => {
        const i = inbox.findIndex(match);
        if (i >= 0) { clearTimeout(timer); wake = () => {}; resolve(inbox.splice(i, 1)[0]); }
        else if (closed) { clearTimeout(timer); reject(new Error(`socket closed (${closed}) waiting for ${what}`)); }
      };
      wake = look;
      look();
    });
    ws.send(JSON.stringify(['1', '1', 'chat:deflate', 'phx_join', {}]));
    const joined = await next('join reply', m => m[3] === 'phx_reply' && m[1] === '1');
    if (joined[4].status !== 'ok') throw new Error(`join refused: ${JSON.stringify(joined)}`);
    const texts = [];
    for (let i = 0; i < count; i++) {
      // The same words every time: a deflater that kept its context would encode message i against message i-1.
      const text = 'the same words again and again, '.repeat(40) + i;
      ws.send(JSON.stringify(['1', String(10 + i), 'chat:deflate', 'shout', { n: i, text }]));
      const got = await next(`broadcast ${i}`, m => m[3] === 'shout' && m[4].n === i);
      texts.push(got[4].text === text);
    }
    return { extensions: ws.extensions, texts, closed };
  }, { url: socketUrl, count: 20 });
  assert.match(result.extensions, /^permessage-deflate/);
  assert.match(result.extensions, /client_no_context_takeover/);
  assert.match(result.extensions, /server_no_context_takeover/);
  assert.deepEqual(result.texts, Array(20).fill(true));
  assert.equal(result.closed, null);
});
