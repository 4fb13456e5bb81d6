package io.switchboard.broker;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The fan-out seam between publishers and the sinks that write to sockets. The local implementation reaches this
 * node's sinks; a clustered one also reaches other nodes with subscribers, once per node.
 *
 * <p>Contract (checked by {@code BrokerContract} against every implementation):
 * <ul>
 *   <li>{@link #subscribe} completes only when every broadcast published afterwards, from anywhere, will reach
 *       the sink; a sink subscribed twice to one topic receives each broadcast once. Its callbacks run on the
 *       caller's context, whichever event loop finished the work.</li>
 *   <li>{@link #publish} encodes the frame once and hands the same {@link EncodedFrame} to every sink; broadcasts
 *       from one publisher to one topic arrive in publish order.</li>
 *   <li>After {@link #unsubscribe} returns, the sink receives nothing more published on this node for the topic.</li>
 * </ul>
 * Thread-safe: called from any event loop. Sinks are called on the publisher's thread and hop to their own.
 */
public interface Broker {

  Future<Void> subscribe(String topic, BroadcastSink sink);

  void unsubscribe(String topic, BroadcastSink sink);

  /**
   * Broadcasts {@code [null, null, topic, event, payload]} to every subscriber.
   *
   * @param payload a JSON object's text, or raw bytes when {@code binary}
   */
  void publish(String topic, String event, Buffer payload, boolean binary);

  /** Topics with at least one subscribed sink on this node. */
  int topicCount();
}
