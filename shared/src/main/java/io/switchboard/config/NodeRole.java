package io.switchboard.config;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a node runs. Same jar everywhere; config decides. {@code edge} = sockets + metrics, {@code
 * core} = routing + batching + metrics, {@code all} (default) = everything.
 */
public enum NodeRole {
  SOCKETS("sockets"),
  ROUTING("routing"),
  BATCHING("batching"),
  METRICS("metrics");

  private final String configName;

  NodeRole(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /**
   * Expands one config word ({@code all}, {@code edge}, {@code core} or a role name); null if
   * unknown.
   */
  static Set<NodeRole> expand(String word) {
    return switch (word) {
      case "all" -> EnumSet.allOf(NodeRole.class);
      case "edge" -> EnumSet.of(SOCKETS, METRICS);
      case "core" -> EnumSet.of(ROUTING, BATCHING, METRICS);
      default -> {
        for (NodeRole r : values()) {
          if (r.configName.equals(word)) {
            yield EnumSet.of(r);
          }
        }
        yield null;
      }
    };
  }
}
