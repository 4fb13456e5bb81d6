package io.switchboard.broker;

import io.vertx.core.Future;

/**
 * The cross-node half of the {@link Broker}, as Phoenix.PubSub's adapter: it reaches other nodes
 * only. Local delivery never goes through it and never waits on it. The broker calls {@link
 * #subscribe} for a topic's first member on this node and {@link #unsubscribe} after its last, so
 * cluster state changes only then.
 */
public interface ClusterLink {

  /** A single node: nothing to reach. */
  ClusterLink NONE =
      new ClusterLink() {
        @Override
        public Future<Void> subscribe(String topic, BroadcastSink arrivals) {
          return Future.succeededFuture();
        }

        @Override
        public void unsubscribe(String topic) {}

        @Override
        public void publish(String topic, EncodedFrame frame) {}
      };

  /**
   * From now on, broadcasts other nodes publish on {@code topic} are handed to {@code arrivals}.
   * Completes when the registration is in the cluster's subscription map.
   */
  Future<Void> subscribe(String topic, BroadcastSink arrivals);

  void unsubscribe(String topic);

  /**
   * Sends the frame, encoded once, to every other node with members of the topic: one message per
   * such node.
   */
  void publish(String topic, EncodedFrame frame);
}
