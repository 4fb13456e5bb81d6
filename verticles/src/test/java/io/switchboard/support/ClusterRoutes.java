package io.switchboard.support;

import io.switchboard.protocol.Addresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Cluster subscriptions reach other nodes' caches asynchronously (docs/CLUSTER.md, "How broadcasts cross nodes"):
 * right after a join is answered, a publish on another node may still miss the new subscriber. Tests that check
 * cross-node delivery strictly first wait here until the route exists, by publishing probes until one arrives.
 */
public final class ClusterRoutes {
  private static final String PROBE = "route_probe";
  private static final Duration PER_PROBE = Duration.ofMillis(100);
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  private ClusterRoutes() {
  }

  /**
   * Backend-publishes {@code route_probe} events on {@code topic}, handled by {@code publisher}'s own router
   * (local-only request), until one reaches {@code subscriber}; then takes every probe out of the subscriber's
   * received frames, so the test's own checks never see one. Probes are ordered per node pair, so once probe i
   * has arrived no earlier one is still on its way.
   */
  public static void await(TestNode publisher, TestSocket subscriber, String topic) {
    long start = System.nanoTime();
    long deadline = start + DEADLINE.toNanos();
    for (int i = 0; System.nanoTime() < deadline; i++) {
      Await.result(publisher.vertx.eventBus().request(Addresses.PUBLISH, new JsonObject()
              .put("topic", topic).put("event", PROBE).put("payload", new JsonObject().put("probe", i)),
          new DeliveryOptions().setLocalOnly(true)));
      int n = i;
      if (subscriber.poll(probe(topic).and(f -> f.getJsonObject(4).getInteger("probe", -1) == n), PER_PROBE)
          .isPresent()) {
        while (subscriber.poll(probe(topic), Duration.ZERO).isPresent()) {
          // drop the earlier probes that arrived late
        }
        System.out.printf("[cluster timing] %s routed after %d probe(s), %d ms%n", topic, i + 1,
            (System.nanoTime() - start) / 1_000_000);
        return;
      }
    }
    throw new AssertionError("no route for " + topic + " to the subscriber within " + DEADLINE);
  }

  private static Predicate<io.vertx.core.json.JsonArray> probe(String topic) {
    return f -> topic.equals(f.getString(2)) && PROBE.equals(f.getString(3));
  }
}
