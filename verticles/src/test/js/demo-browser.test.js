// End to end in a real browser: two headless Chromium pages open the demo chat served by the node and exchange
// messages through it. Run by DemoPageBrowserTest (Debian chromium, playwright-core; both installed by the build).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launchChromium } = require('./browser');

const BASE = process.env.SWITCHBOARD_HTTP_URL;
const SHOTS = process.env.SCREENSHOT_DIR;
let browser;

before(async () => { browser = await launchChromium(); });
after(async () => { if (browser) await browser.close(); });

async function openChat(token, topic) {
  const page = await browser.newPage();
  page.on('pageerror', e => { throw e; });
  await page.goto(`${BASE}/demo/?token=${encodeURIComponent(token)}&topic=${encodeURIComponent(topic)}`);
  await page.waitForSelector('#state[data-state="joined"]', { timeout: 10000 });
  return page;
}

async function say(page, text) {
  await page.fill('#body', text);
  await page.click('#send-button');
}

test('two pages exchange messages through the demo chat', async () => {
  const alice = await openChat(process.env.TOKEN_ALICE, 'room:demo');
  const bob = await openChat(process.env.TOKEN_BOB, 'room:demo');
  await say(alice, 'hello bob');
  await bob.waitForSelector('#messages li[data-body="hello bob"]', { timeout: 10000 });
  await say(bob, 'hi alice');
  await alice.waitForSelector('#messages li[data-body="hi alice"]', { timeout: 10000 });
  assert.equal(await alice.textContent('#state'), 'joined room:demo');
  if (SHOTS) await bob.screenshot({ path: `${SHOTS}/demo-chat.png` });
});

test('a long message arrives compressed and the page inflates it', async () => {
  const alice = await openChat(process.env.TOKEN_ALICE, 'room:demo-zip');
  const bob = await openChat(process.env.TOKEN_BOB, 'room:demo-zip');
  const long = 'a long message that crosses the 1 KB threshold '.repeat(40);
  await say(alice, long);
  const shown = await bob.waitForSelector('#messages li[data-body^="a long message"]', { timeout: 10000 });
  assert.equal(await shown.getAttribute('data-body'), long);
});

test('batch events show up as batches', async () => {
  const alice = await openChat(process.env.TOKEN_ALICE, 'batch:demo');
  const bob = await openChat(process.env.TOKEN_BOB, 'batch:demo');
  await say(alice, 'one');
  await say(alice, 'two');
  await bob.waitForSelector('#messages li[data-body="two"]', { timeout: 10000 });
  await bob.waitForSelector('#events li.batch', { timeout: 10000 });
});

test('the demo shows who is online, through the stock Presence class', async () => {
  const alice = await openChat(process.env.TOKEN_ALICE, 'presence:demo-online');
  await alice.waitForSelector('#online li[data-user="alice"]', { timeout: 10000 });
  const bob = await openChat(process.env.TOKEN_BOB, 'presence:demo-online');
  await bob.waitForSelector('#online li[data-user="alice"]', { timeout: 10000 });
  await bob.waitForSelector('#online li[data-user="bob"]', { timeout: 10000 });
  await alice.waitForSelector('#online li[data-user="bob"]', { timeout: 10000 });
  assert.equal(await alice.textContent('#online-count'), '(2)');
  if (SHOTS) await alice.screenshot({ path: `${SHOTS}/demo-online.png` });
  await bob.close(); // the tab goes: bob leaves alice's list
  await alice.waitForSelector('#online li[data-user="bob"]', { state: 'detached', timeout: 10000 });
  await alice.waitForSelector('#events li.presence', { timeout: 10000 });
  assert.equal(await alice.textContent('#online-count'), '(1)');
});

test('on a topic without presence the online list stays hidden', async () => {
  const alice = await openChat(process.env.TOKEN_ALICE, 'room:demo-no-presence');
  assert.equal(await alice.isVisible('#online-panel'), false);
});
