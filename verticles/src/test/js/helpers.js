// Shared by the acceptance tests: waiting for an event with a deadline, and joining a phoenix channel.
'use strict';

const TIMEOUT_MS = 10000;

/** Resolves when the executor resolves; rejects naming `what` if nothing happens within the deadline. */
function within(what, executor, timeoutMs = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    executor(v => { clearTimeout(timer); resolve(v); }, e => { clearTimeout(timer); reject(e); });
  });
}

/** Joins a phoenix channel; rejects with the server's reason on refusal. */
function join(channel) {
  return within(`join of ${channel.topic}`, (resolve, reject) =>
    channel.join()
      .receive('ok', resolve)
      .receive('error', r => reject(new Error(`join refused: ${JSON.stringify(r)}`)))
      .receive('timeout', () => reject(new Error('join timeout'))));
}

// A topic's first join on a node reaches the other nodes through Hazelcast's entry events, asynchronously
// (docs/CLUSTER.md); a push from another node in that window is missed, as with Phoenix.PubSub. This pushes every
// 250 ms until one arrives at `to` (within the deadline) and reports how long it took. Payloads carry `marker`.
async function converged(from, to, marker, fromName = '') {
  const start = Date.now();
  let attempt = 0;
  const arrived = within(`${marker} (cross-node, retried)`, res => {
    const ref = to.on('shout', payload => {
      if (typeof payload.marker === 'string' && payload.marker.startsWith(marker)) {
        to.off('shout', ref);
        res(payload);
      }
    });
  }, 15000);
  const timer = setInterval(() => from.push('shout', { marker: `${marker}-${++attempt}`, from: fromName }), 250);
  from.push('shout', { marker: `${marker}-0`, from: fromName });
  try {
    const got = await arrived;
    console.log(`CONVERGED ${marker} after ${Date.now() - start} ms with push ${got.marker}`);
  } finally {
    clearInterval(timer);
  }
}

module.exports = { within, join, converged, TIMEOUT_MS };
