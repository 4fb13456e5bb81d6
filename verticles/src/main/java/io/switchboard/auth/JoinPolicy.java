package io.switchboard.auth;

import io.switchboard.config.ChannelRule;

/** Decides joins from a channel rule; deny by default (no rule, no join). Pure and thread-safe. */
public final class JoinPolicy {
  private JoinPolicy() {
  }

  public static boolean allows(ChannelRule rule, String topic, Principal user) {
    return switch (rule.join()) {
      case AUTHENTICATED -> true;
      case OWN -> topic.substring(topic.lastIndexOf(':') + 1).equals(user.userId());
      case CLAIM -> user.topics().contains(topic);
    };
  }
}
