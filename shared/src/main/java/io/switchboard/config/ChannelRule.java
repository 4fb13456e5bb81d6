package io.switchboard.config;

import java.util.Set;

/**
 * One {@code channels[]} entry: topics matching {@code pattern} (exact, or a prefix ending in {@code *} as in
 * Phoenix's {@code channel "room:*"}) are served as {@code kind}, joined under {@code join}, and accept the
 * client events in {@code clientEvents} ({@code "*"} accepts any).
 */
public record ChannelRule(String pattern, ChannelKind kind, JoinAccess join, Set<String> clientEvents) {
  public static final String ANY_EVENT = "*";

  public boolean matches(String topic) {
    if (pattern.endsWith("*")) {
      return topic.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return topic.equals(pattern);
  }

  public boolean acceptsClientEvent(String event) {
    return clientEvents.contains(ANY_EVENT) || clientEvents.contains(event);
  }
}
