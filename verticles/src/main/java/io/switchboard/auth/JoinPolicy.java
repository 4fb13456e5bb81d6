package io.switchboard.auth;

import io.switchboard.config.ChannelRule;

/** Decides joins from a channel rule; deny by default (no rule, no join). Pure and thread-safe. */
public final class JoinPolicy {
  private JoinPolicy() {}

  public static boolean allows(ChannelRule rule, String topic, Principal user) {
    return switch (rule.join()) {
      case AUTHENTICATED -> true;
      case OWN -> ownerPart(rule, topic).equals(user.userId());
      case CLAIM -> user.topics().contains(topic);
    };
  }

  /**
   * What must equal the user id: all of the topic after the pattern's prefix ({@code
   * notifications:*} gives {@code alice:bob} for {@code notifications:alice:bob}, so user {@code
   * bob} cannot join a topic of user {@code alice:bob}); for an exact pattern, the part after the
   * last {@code ':'}.
   */
  private static String ownerPart(ChannelRule rule, String topic) {
    String pattern = rule.pattern();
    return pattern.endsWith("*")
        ? topic.substring(pattern.length() - 1)
        : topic.substring(topic.lastIndexOf(':') + 1);
  }
}
