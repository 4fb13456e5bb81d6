package io.switchboard.broker;

import io.switchboard.protocol.V2BinaryCodec;
import io.switchboard.protocol.V2JsonCodec;
import io.vertx.core.buffer.Buffer;

/**
 * A broadcast frame encoded once; the same bytes go to every subscriber. Never mutate {@code
 * bytes}.
 */
public record EncodedFrame(Buffer bytes, boolean binary) {

  public static EncodedFrame broadcast(String topic, String event, Buffer payload, boolean binary) {
    return binary
        ? new EncodedFrame(V2BinaryCodec.broadcast(topic, event, payload), true)
        : new EncodedFrame(V2JsonCodec.encode(null, null, topic, event, payload), false);
  }
}
