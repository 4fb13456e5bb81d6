package io.switchboard.presence;

import io.switchboard.cluster.ClusterNodes;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.switchboard.transport.BroadcastFramer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * The node's presence tracker, on its own context: one instance on every node that serves sockets,
 * started before they are (so the first join already sees the cluster's presences) and stopped
 * after they drained (so what is left of this node's presences goes at once). Answers {@code
 * switchboard.presence.list} for backends.
 */
public final class PresenceVerticle extends VerticleBase {
  private final SwitchboardConfig.Presence config;
  private final SwitchboardMeters meters;
  private volatile PresenceTracker tracker;

  public PresenceVerticle(SwitchboardConfig.Presence config, SwitchboardMeters meters) {
    this.config = config;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    PresenceStore store =
        vertx.isClustered()
            ? new HazelcastPresenceStore(ClusterNodes.hazelcastInstance(vertx))
            : new LocalPresenceStore();
    PresenceTracker t = new PresenceTracker(context, store, config, meters);
    return t.start()
        .compose(
            v ->
                vertx
                    .eventBus()
                    .<JsonObject>consumer(
                        Addresses.PRESENCE_LIST,
                        msg -> {
                          String topic = msg.body() == null ? null : msg.body().getString("topic");
                          if (topic == null) {
                            msg.fail(400, "needs {\"topic\": ...}");
                          } else {
                            t.list(topic).onSuccess(msg::reply);
                          }
                        })
                    .completion())
        .onSuccess(v -> tracker = t);
  }

  @Override
  public Future<?> stop() {
    PresenceTracker t = tracker;
    return t == null ? Future.succeededFuture() : t.stop();
  }

  /** The presence of the socket verticle instance running on {@code loop}. */
  public LoopPresence forLoop(Context loop, BroadcastFramer framer) {
    return new LoopPresence(loop, tracker, framer, meters);
  }
}
