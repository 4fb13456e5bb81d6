package io.switchboard.channel;

import io.switchboard.protocol.Reasons;

/**
 * {@code batch}: client events and backend publishes join the topic's pending batch, which the
 * batching verticle broadcasts as one {@code batch} event; a leave flushes it, so no subscriber
 * waits on a batch it left behind. Batches hold JSON payloads only.
 */
final class BatchChannel implements ChannelBehaviour {
  static final RouteDecision BINARY_REFUSED =
      new RouteDecision.Rejected(Reasons.INVALID_PAYLOAD + ": batches carry JSON payloads only");

  @Override
  public RouteDecision accept(ChannelServices services, ClientEvent event) {
    return handlePublish(services, Publication.of(event));
  }

  @Override
  public RouteDecision handlePublish(ChannelServices services, Publication p) {
    if (p.binary()) {
      return BINARY_REFUSED;
    }
    services.addToBatch(p.topic(), p.payload());
    return RouteDecision.ACCEPTED;
  }

  @Override
  public void leave(ChannelSession session, JoinedChannel channel) {
    session.services().flushBatch(channel.topic());
  }
}
