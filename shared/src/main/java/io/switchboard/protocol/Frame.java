package io.switchboard.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * One Phoenix Channels V2 message, either direction.
 *
 * <p>{@code payload} holds raw bytes and is never re-parsed on the way through: the UTF-8 text of a
 * JSON object when {@code binary} is false, the application's bytes when it is true. Refs are
 * opaque strings (or null).
 */
public record Frame(
    String joinRef, String ref, String topic, String event, Buffer payload, boolean binary) {

  public static Frame json(
      String joinRef, String ref, String topic, String event, String payloadJson) {
    return new Frame(joinRef, ref, topic, event, Buffer.buffer(payloadJson), false);
  }

  /** The payload as text; only meaningful for JSON frames. */
  public String payloadText() {
    return payload.toString();
  }
}
