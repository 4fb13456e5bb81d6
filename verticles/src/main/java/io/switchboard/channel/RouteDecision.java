package io.switchboard.channel;

import io.switchboard.config.ChannelRule;

/**
 * What routing decided about a join, a client push or a backend publish. In-process it is passed as
 * is; it becomes JSON only where it crosses the event bus between an edge and a core node ({@link
 * RouteMessages}).
 */
public sealed interface RouteDecision {
  /** Accepted and carried out. */
  RouteDecision ACCEPTED = new Accepted();

  /** A join was granted under {@code rule}; the socket's channel keeps it. */
  record Joined(ChannelRule rule) implements RouteDecision {}

  record Accepted() implements RouteDecision {}

  /**
   * Refused; {@code reason} is one of {@link io.switchboard.protocol.Reasons}, sent to the client
   * as is.
   */
  record Rejected(String reason) implements RouteDecision {}
}
