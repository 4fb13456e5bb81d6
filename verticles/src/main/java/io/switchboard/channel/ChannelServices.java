package io.switchboard.channel;

import io.switchboard.history.PublishOutcome;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What channels may do on the node: the few side effects every kind is built from. Production code
 * reaches the broker and the event bus; behaviour tests record the calls. One per event loop (the
 * broadcast's payload compressor is not thread-safe).
 */
public interface ChannelServices {

  /**
   * Broadcasts to every subscriber of the topic on every node, encoded once. A JSON payload is
   * compressed once here when the rule asks for it ({@code compressAboveBytes}). On a topic that
   * keeps history it completes with the broadcast's position once it is kept; otherwise at once
   * (with no position), unless it has an idempotency key. A repeat of a key sends nothing and
   * completes with the first one's position, marked duplicate ({@link
   * io.switchboard.broker.Broker#publish(String, String, io.vertx.core.buffer.Buffer, boolean,
   * String)}).
   */
  Future<PublishOutcome> broadcast(Publication publication);

  /** Hands a message to backends on {@code switchboard.ingest}. */
  void ingest(JsonObject message);

  /** Hands a stream's buffered values to backends on {@code switchboard.stream}. */
  void stream(JsonObject message);

  /** Adds a JSON payload to the topic's pending batch (the batching verticle broadcasts it). */
  void addToBatch(String topic, Buffer payload);

  /** Broadcasts the topic's pending batch now, on whichever node holds it. */
  void flushBatch(String topic);
}
