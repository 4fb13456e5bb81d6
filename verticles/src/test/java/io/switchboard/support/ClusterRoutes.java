package io.switchboard.support;

import io.switchboard.protocol.Addresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Cluster subscriptions reach other nodes' caches asynchronously (docs/CLUSTER.md, "How broadcasts
 * cross nodes"): right after a join is answered, a publish on another node may still miss the new
 * subscriber. Tests that check cross-node delivery strictly first wait here until the route exists,
 * by publishing probes until one arrives.
 */
public final class ClusterRoutes {
  private static final String PROBE = "route_probe";
  private static final Duration PER_PROBE = Duration.ofMillis(100);
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  private ClusterRoutes() {}

  /**
   * Backend-publishes {@code route_probe} events on {@code topic}, handled by {@code publisher}'s
   * own router (local-only request), until one probe reaches every one of {@code subscribers}; then
   * takes every probe out of their received frames, so the test's own checks never see one. Each
   * probe carries this call's nonce and its number, so a probe from another call or publisher
   * cannot end the wait. Probes are ordered per node pair: once probe i has reached all of them, no
   * earlier probe is still on its way there (counters are settled).
   */
  public static void await(TestNode publisher, String topic, TestSocket... subscribers) {
    String nonce = UUID.randomUUID().toString();
    long start = System.nanoTime();
    long deadline = start + DEADLINE.toNanos();
    for (int i = 0; System.nanoTime() < deadline; i++) {
      Await.result(
          publisher
              .vertx
              .eventBus()
              .request(
                  Addresses.PUBLISH,
                  new JsonObject()
                      .put("topic", topic)
                      .put("event", PROBE)
                      .put("payload", new JsonObject().put("nonce", nonce).put("i", i)),
                  new DeliveryOptions().setLocalOnly(true)));
      String probe = nonce + "/" + i;
      boolean all = true;
      for (TestSocket s : subscribers) {
        all &= s.poll(probe(topic).and(f -> probe.equals(id(f))), PER_PROBE).isPresent();
      }
      if (all) {
        for (TestSocket s : List.of(subscribers)) {
          while (s.poll(probe(topic), Duration.ZERO).isPresent()) {
            // drop this call's earlier probes that arrived late, and any left by other calls
          }
        }
        System.out.printf(
            "[cluster timing] %s routed after %d probe(s), %d ms%n",
            topic, i + 1, (System.nanoTime() - start) / 1_000_000);
        return;
      }
    }
    throw new AssertionError("no route for " + topic + " to every subscriber within " + DEADLINE);
  }

  private static String id(JsonArray frame) {
    JsonObject p = frame.getJsonObject(4);
    return p.getString("nonce") + "/" + p.getInteger("i");
  }

  private static Predicate<JsonArray> probe(String topic) {
    return f -> topic.equals(f.getString(2)) && PROBE.equals(f.getString(3));
  }
}
