package io.switchboard.broker;

import io.switchboard.history.PublishOutcome;
import io.switchboard.history.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The node's topic membership and fan-out: who on this node is subscribed to what (counts
 * included), and the delivery of every broadcast to them and, through the node's {@link
 * ClusterLink}, to the other nodes with subscribers. Publishers and sinks see only this; whether
 * the node is clustered is the link's business.
 *
 * <p>Contract (checked by {@code BrokerContract} against a single node and a two-node cluster):
 *
 * <ul>
 *   <li>Each {@link #subscribe} adds one member: a socket joining, a bridge client registering. A
 *       sink subscribed twice to a topic receives each broadcast once, and stays subscribed until
 *       it has unsubscribed twice.
 *   <li>{@link #subscribe} completes once every broadcast published afterwards on this node reaches
 *       the sink, and once the other nodes have been told of this node's interest (the cluster
 *       link's registration is written). Its callbacks run on the caller's context. The other nodes
 *       learn of that registration asynchronously: a broadcast published on another node within a
 *       few milliseconds of the completion may miss this node (docs/CLUSTER.md, "registration
 *       window").
 *   <li>{@link #publish} encodes the frame once per node and hands the same {@link EncodedFrame} to
 *       every sink; broadcasts from one publisher to one topic arrive in publish order, on every
 *       node, exactly once.
 *   <li>After {@link #unsubscribe} returns, the sink receives nothing more published on this node
 *       for the topic.
 * </ul>
 *
 * Thread-safe: called from any event loop. Sinks are called on the publisher's (or the cluster's)
 * thread and hop to their own.
 */
public interface Broker {

  Future<Void> subscribe(String topic, BroadcastSink sink);

  void unsubscribe(String topic, BroadcastSink sink);

  /**
   * Broadcasts {@code [null, null, topic, event, payload]} to every subscriber on every node. On a
   * topic that keeps history the broadcast is appended first and goes out as {@code [null,
   * "<epoch>:<offset>", ...]}; the future then completes with that position once it is kept (and
   * fails, with nothing sent, if it could not be). Otherwise it completes at once with null.
   *
   * @param payload a JSON object's text, or raw bytes when {@code binary}
   */
  default Future<StreamPosition> publish(
      String topic, String event, Buffer payload, boolean binary) {
    return publish(topic, event, payload, binary, null).map(PublishOutcome::position);
  }

  /**
   * {@link #publish(String, String, Buffer, boolean)}, once per idempotency key: a publish whose
   * {@code idempotencyKey} (scoped per publisher, {@link
   * io.switchboard.idempotency.IdempotencyKey}; null: none) was published on the topic within the
   * window, on any node, sends nothing and completes with the first one's outcome marked duplicate
   * (on a history topic: its position). Publish order per publisher and topic holds with keys too.
   * On a topic without history the future fails, with nothing sent, with {@link
   * io.switchboard.idempotency.IdempotencyUnavailable} if the cluster could not say whether it was
   * a repeat.
   */
  default Future<PublishOutcome> publish(
      String topic, String event, Buffer payload, boolean binary, String idempotencyKey) {
    return publish(topic, event, payload, binary, idempotencyKey, null);
  }

  /**
   * {@link #publish(String, String, Buffer, boolean, String)}, except to {@code origin}, a sink's
   * client on this node ({@link EncodedFrame#origin}): how a realtime-js sender with {@code self:
   * false} does not hear its own broadcast.
   */
  Future<PublishOutcome> publish(
      String topic,
      String event,
      Buffer payload,
      boolean binary,
      String idempotencyKey,
      Object origin);

  /** Topics with at least one member on this node. */
  int topicCount();

  /**
   * Members of the topic on this node: sockets joined to it and bridge clients registered to it.
   */
  int members(String topic);
}
