package io.switchboard.broker;

import io.switchboard.history.StreamPosition;
import io.switchboard.protocol.V2BinaryCodec;
import io.switchboard.protocol.V2JsonCodec;
import io.vertx.core.buffer.Buffer;

/**
 * A broadcast frame encoded once; the same bytes go to every subscriber. Never mutate {@code
 * bytes}.
 *
 * @param position the broadcast's place in its topic's stream, for topics that keep history (also
 *     in a JSON frame's ref slot); null otherwise
 * @param origin the one client on this node that must not get it (the sender of a realtime-js
 *     broadcast with {@code self: false}, as the writer its broadcasts go through); null: none.
 *     Never crosses nodes: the sender is not on the others.
 */
public record EncodedFrame(Buffer bytes, boolean binary, StreamPosition position, Object origin) {

  public EncodedFrame(Buffer bytes, boolean binary, StreamPosition position) {
    this(bytes, binary, position, null);
  }

  public EncodedFrame(Buffer bytes, boolean binary) {
    this(bytes, binary, null, null);
  }

  public static EncodedFrame broadcast(String topic, String event, Buffer payload, boolean binary) {
    return broadcast(topic, event, payload, binary, null);
  }

  /**
   * {@code [null, "<epoch>:<offset>", topic, event, payload]} when {@code position} is given. A
   * binary broadcast has no ref slot (V2's broadcast header has none), so its position travels
   * beside it only.
   */
  public static EncodedFrame broadcast(
      String topic, String event, Buffer payload, boolean binary, StreamPosition position) {
    return broadcast(topic, event, payload, binary, position, null);
  }

  /**
   * {@link #broadcast(String, String, Buffer, boolean, StreamPosition)}, not for {@code origin}.
   */
  public static EncodedFrame broadcast(
      String topic,
      String event,
      Buffer payload,
      boolean binary,
      StreamPosition position,
      Object origin) {
    return binary
        ? new EncodedFrame(V2BinaryCodec.broadcast(topic, event, payload), true, position, origin)
        : new EncodedFrame(
            V2JsonCodec.encode(
                null, position == null ? null : position.ref(), topic, event, payload),
            false,
            position,
            origin);
  }
}
