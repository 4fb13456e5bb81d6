// Acceptance through the load balancer: the official phoenix client connects to HAProxy (deploy/haproxy/haproxy.cfg)
// in front of three clustered fat-jar nodes. Run by io.switchboard.deploy.HaproxyTopologyIT, which SIGKILLs a node
// that holds one of these sockets when this file asks for it with POST $CONTROL_URL/kill.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { Socket } = require('phoenix');
const WebSocket = require('ws');
const helpers = require('./helpers');

const TIMEOUT_MS = 15000;
const TOPIC = 'room:haproxy';
const sockets = [];
after(() => sockets.forEach(s => s.disconnect()));

function open(name, token) {
  const socket = new Socket(process.env.LB_URL, { transport: WebSocket, params: { token } });
  socket.name = name;
  socket.closes = [];
  socket.onClose(event => socket.closes.push(event && event.code));
  sockets.push(socket);
  socket.connect();
  return socket;
}

// A reconnect through the load balancer takes longer than the default deadline allows.
const within = (what, executor) => helpers.within(what, executor, TIMEOUT_MS);
const join = helpers.join;
const converged = helpers.converged;

// Resolves with the first `event` payload on `channel` whose marker is `marker`.
function expect(channel, event, marker) {
  return within(`${event} ${marker} on ${channel.socket.name}`, res => {
    const ref = channel.on(event, payload => {
      if (payload.marker === marker) {
        channel.off(event, ref);
        res(payload);
      }
    });
  });
}

async function exchange(from, to, marker) {
  const atTarget = expect(to, 'shout', marker);
  const echo = expect(from, 'shout', marker);
  from.push('shout', { marker, from: from.socket.name });
  assert.deepEqual(await atTarget, { marker, from: from.socket.name });
  await echo; // the sender is a subscriber too
}

test('two clients through HAProxy survive a SIGKILL of a node', async () => {
  const alice = open('alice', process.env.TOKEN_ALICE);
  const bob = open('bob', process.env.TOKEN_BOB);
  const a = alice.channel(TOPIC, {});
  const b = bob.channel(TOPIC, {});
  await join(a);
  await join(b);
  await exchange(a, b, 'before-kill-a');
  await exchange(b, a, 'before-kill-b');

  // Every socket the kill closes must come back through the LB (phoenix.js reconnects by itself, HAProxy sends it
  // to a live node) and have its channel rejoined (phoenix.js rejoins on reconnect). The wait starts at the close,
  // before any reconnect can happen, so no rejoin reply is missed.
  const rejoined = new Map();
  let watching = true; // off before the end, so the teardown's own disconnect() starts no wait
  const firstClose = within('a socket closed by the SIGKILL', res => {
    for (const socket of [alice, bob]) {
      socket.onClose(() => {
        if (!watching) return;
        if (!rejoined.has(socket)) {
          rejoined.set(socket, within(`${socket.name} rejoining after the kill`, done => socket.onMessage(m => {
            if (m.topic === TOPIC && m.event === 'phx_reply' && m.payload.status === 'ok') done();
          })));
        }
        res(socket);
      });
    }
  });
  // The JUnit side SIGKILLs the node that holds one of the sockets and answers once the process is dead.
  const kill = await fetch(`${process.env.CONTROL_URL}/kill`, { method: 'POST' });
  assert.equal(kill.status, 200, await kill.text());
  const killed = await firstClose;
  console.log(`CLOSED ${killed.name} code ${killed.closes[0]}`);
  const closed = [alice, bob].filter(s => rejoined.has(s));
  for (const s of closed) await rejoined.get(s);
  watching = false;
  assert.equal(a.state, 'joined');
  assert.equal(b.state, 'joined');
  assert.equal(killed.isConnected(), true);
  console.log(`REJOINED ${closed.map(s => s.name).join(',')}`);

  // The returned client publishes first (its node's subscription was registered before its join was answered),
  // then receives.
  const [returned, other] = killed === alice ? [a, b] : [b, a];
  await exchange(returned, other, 'after-kill-from-returned');
  await converged(other, returned, 'after-kill-to-returned', other.socket.name);
  await exchange(other, returned, 'after-kill-steady');
});
