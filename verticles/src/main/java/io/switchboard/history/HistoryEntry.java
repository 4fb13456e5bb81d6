package io.switchboard.history;

import io.vertx.core.buffer.Buffer;

/**
 * One kept broadcast: its offset in the topic's stream and what was broadcast.
 *
 * @param payload a JSON object's text (compressed already, if the rule compresses), or raw bytes
 *     when {@code binary}
 * @param atMillis when it was appended, by the appending node's clock (for the TTL)
 */
public record HistoryEntry(
    long offset, String event, Buffer payload, boolean binary, long atMillis) {}
