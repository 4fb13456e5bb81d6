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

module.exports = { within, join, TIMEOUT_MS };
