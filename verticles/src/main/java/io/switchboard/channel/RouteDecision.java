package io.switchboard.channel;

import io.switchboard.config.ChannelRule;
import io.switchboard.history.StreamPosition;
import io.vertx.core.Future;

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
   * Accepted and broadcast on a topic that keeps history: {@code position} completes with the
   * broadcast's place in the stream once it is kept, or fails if it could not be (then nothing was
   * sent). Answer only when it completes.
   */
  record Published(Future<StreamPosition> position) implements RouteDecision {}

  /** What a broadcast's future means for the client: ok at once when there is no history. */
  static RouteDecision published(Future<StreamPosition> broadcast) {
    return broadcast.succeeded() && broadcast.result() == null
        ? ACCEPTED
        : new Published(broadcast);
  }

  /**
   * Refused; {@code reason} is one of {@link io.switchboard.protocol.Reasons}, sent to the client
   * as is.
   */
  record Rejected(String reason) implements RouteDecision {}
}
