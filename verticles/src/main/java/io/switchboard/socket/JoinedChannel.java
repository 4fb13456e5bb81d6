package io.switchboard.socket;

import io.vertx.core.json.JsonArray;

/**
 * One channel a socket has joined: its join_ref, its kind, and for {@code stream} channels the socket's bounded
 * buffer of values waiting for {@code flush}.
 */
final class JoinedChannel {
  final String joinRef;
  final String kind;
  final int streamBufferMax;
  /** Stream channels only: values since the last flush, bounded by {@link #streamBufferMax}. */
  JsonArray streamValues;
  /** Stream channels only: payload bytes of {@link #streamValues}, counted in the socket's byte bound too. */
  int streamBytes;
  /** Stream channels only: the byte bound's throttle event was sent since the last flush. */
  boolean throttledForBytes;

  JoinedChannel(String joinRef, String kind, int streamBufferMax) {
    this.joinRef = joinRef;
    this.kind = kind;
    this.streamBufferMax = streamBufferMax;
  }

  boolean isStream() {
    return "stream".equals(kind);
  }

  boolean isBatch() {
    return "batch".equals(kind);
  }
}
