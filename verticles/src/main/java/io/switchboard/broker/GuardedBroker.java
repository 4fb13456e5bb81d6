package io.switchboard.broker;

import io.switchboard.cluster.ClusterGuard;
import io.switchboard.cluster.ClusterUnavailable;
import io.switchboard.history.PublishOutcome;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The node's {@link Broker} behind its {@link ClusterGuard}: while the node is isolated from its
 * cluster, publishes fail with {@link ClusterUnavailable} and send nothing, so no publisher
 * (socket, bridge, HTTP API, batching) is told {@code ok} for a broadcast the rest of the cluster
 * will never see. Membership is untouched: the guard's listeners close the sockets.
 */
public final class GuardedBroker implements Broker {
  private static final Future<PublishOutcome> REFUSED =
      Future.failedFuture(new ClusterUnavailable());

  private final Broker broker;
  private final ClusterGuard guard;

  public GuardedBroker(Broker broker, ClusterGuard guard) {
    this.broker = broker;
    this.guard = guard;
  }

  @Override
  public Future<Void> subscribe(String topic, BroadcastSink sink) {
    return broker.subscribe(topic, sink);
  }

  @Override
  public void unsubscribe(String topic, BroadcastSink sink) {
    broker.unsubscribe(topic, sink);
  }

  @Override
  public Future<PublishOutcome> publish(
      String topic,
      String event,
      Buffer payload,
      boolean binary,
      String idempotencyKey,
      Object origin) {
    return guard.serving()
        ? broker.publish(topic, event, payload, binary, idempotencyKey, origin)
        : REFUSED;
  }

  @Override
  public int topicCount() {
    return broker.topicCount();
  }

  @Override
  public int members(String topic) {
    return broker.members(topic);
  }
}
