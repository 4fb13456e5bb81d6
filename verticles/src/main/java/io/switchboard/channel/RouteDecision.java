package io.switchboard.channel;

import io.switchboard.config.ChannelRule;
import io.switchboard.history.PublishOutcome;
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
   * Accepted and broadcast on a topic that keeps history, or with an idempotency key: {@code
   * outcome} completes with the broadcast's place in the stream (if any) once it is kept, and says
   * if it was a repeat (nothing sent); it fails if it could not be (then nothing was sent). Answer
   * only when it completes.
   */
  record Published(Future<PublishOutcome> outcome) implements RouteDecision {}

  /** What a broadcast's future means for the client: ok at once when it was simply sent. */
  static RouteDecision published(Future<PublishOutcome> broadcast) {
    return broadcast.succeeded() && broadcast.result() == PublishOutcome.SENT
        ? ACCEPTED
        : new Published(broadcast);
  }

  /**
   * Refused; {@code reason} is one of {@link io.switchboard.protocol.Reasons}, sent to the client
   * as is.
   */
  record Rejected(String reason) implements RouteDecision {}
}
