package io.switchboard.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * What this node knows of the cluster: the last report of every node, as gossiped on the event bus
 * by each node's metrics verticle. A node silent for {@code expiryMillis} is dropped. Touched only
 * from the metrics verticle's event loop.
 */
final class ClusterView {
  private final long expiryMillis;
  private final Map<String, JsonObject> reports = new TreeMap<>();
  private final Map<String, Long> seenAt = new TreeMap<>();

  ClusterView(long expiryMillis) {
    this.expiryMillis = expiryMillis;
  }

  void report(JsonObject report, long nowMillis) {
    String node = report.getString("node");
    reports.put(node, report);
    seenAt.put(node, nowMillis);
  }

  void expire(long nowMillis) {
    seenAt
        .entrySet()
        .removeIf(
            e -> {
              boolean stale = nowMillis - e.getValue() > expiryMillis;
              if (stale) {
                reports.remove(e.getKey());
              }
              return stale;
            });
  }

  int size() {
    return reports.size();
  }

  JsonObject toJson() {
    JsonArray nodes = new JsonArray();
    reports.values().forEach(nodes::add);
    long connections = reports.values().stream().mapToLong(r -> r.getLong("connections", 0L)).sum();
    return new JsonObject()
        .put("nodes", nodes)
        .put("node_count", reports.size())
        .put("connections", connections);
  }
}
