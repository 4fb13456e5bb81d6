package io.switchboard.api;

import io.switchboard.broker.Broker;
import io.switchboard.cluster.ClusterNodes;
import io.switchboard.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How many members (sockets, bridge clients) each topic has across the cluster: each node's count
 * comes from its broker, asked of each node over the event bus when the HTTP API wants it.
 */
public final class SubscriberCounts {
  private static final int NO_SOCKETS = -2;
  private static final int NO_ANSWER = -1;
  private static final DeliveryOptions QUERY_OPTIONS = new DeliveryOptions().setSendTimeout(2_000);

  private final Vertx vertx;
  private final Broker broker;

  public SubscriberCounts(Vertx vertx, Broker broker) {
    this.vertx = vertx;
    this.broker = broker;
  }

  private int local(String topic) {
    return broker.members(topic);
  }

  /**
   * Answers other nodes' queries for this node's counts; call once per node that serves sockets.
   */
  public Future<Void> serve() {
    return vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.NODE_SUBSCRIBERS_PREFIX + nodeId(vertx),
            m -> m.reply(new JsonObject().put("count", local(m.body().getString("topic")))))
        .completion();
  }

  /**
   * The cluster-wide count over the nodes that serve sockets ({@code nodes_asked}, this one
   * included). A node with no count handler runs no sockets (a core node) or is gone: it adds
   * nothing and is not asked. A socket node that does not answer in time counts as 0 and marks the
   * result partial.
   */
  public Future<JsonObject> total(String topic) {
    if (!vertx.isClustered()) {
      return Future.succeededFuture(result(topic, local(topic), 1, false));
    }
    String self = nodeId(vertx);
    List<String> others = new ArrayList<>(ClusterNodes.memberIds(vertx));
    others.remove(self);
    List<Future<Integer>> answers =
        others.stream()
            .map(
                node ->
                    vertx
                        .eventBus()
                        .<JsonObject>request(
                            Addresses.NODE_SUBSCRIBERS_PREFIX + node,
                            new JsonObject().put("topic", topic),
                            QUERY_OPTIONS)
                        .map(r -> r.body().getInteger("count"))
                        .otherwise(
                            err ->
                                err instanceof ReplyException r
                                        && r.failureType() == ReplyFailure.NO_HANDLERS
                                    ? NO_SOCKETS
                                    : NO_ANSWER))
            .toList();
    return Future.join(answers)
        .map(
            all -> {
              int sum = local(topic);
              int asked = 1;
              boolean partial = false;
              for (Future<Integer> f : answers) {
                int n = f.result();
                if (n == NO_SOCKETS) {
                  continue;
                }
                asked++;
                if (n == NO_ANSWER) {
                  partial = true;
                } else {
                  sum += n;
                }
              }
              return result(topic, sum, asked, partial);
            });
  }

  private static JsonObject result(String topic, int count, int nodes, boolean partial) {
    return new JsonObject()
        .put("topic", topic)
        .put("subscribers", count)
        .put("nodes_asked", nodes)
        .put("partial", partial);
  }

  static String nodeId(Vertx vertx) {
    return ClusterNodes.selfId(vertx);
  }
}
