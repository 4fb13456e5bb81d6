package io.switchboard.channel;

import io.switchboard.idempotency.IdempotencyKey;
import io.switchboard.protocol.Reasons;

/**
 * {@code broadcast}: an allowed client event goes to every subscriber of the topic, sender
 * included, unchanged. A payload with an {@code idempotency_key} is published once per user and key
 * within the window (the key stays in the payload).
 */
final class BroadcastChannel implements ChannelBehaviour {
  private static final RouteDecision INVALID_KEY =
      new RouteDecision.Rejected(Reasons.INVALID_IDEMPOTENCY_KEY);

  @Override
  public RouteDecision accept(ChannelServices services, ClientEvent event) {
    IdempotencyKey.Lookup key = IdempotencyKey.inPush(event.payload(), event.binary());
    if (!key.valid()) {
      return INVALID_KEY;
    }
    Publication publication = Publication.of(event);
    if (key.key() != null) {
      publication =
          publication.withIdempotencyKey(IdempotencyKey.ofUser(event.user().userId(), key.key()));
    }
    return RouteDecision.published(services.broadcast(publication));
  }
}
