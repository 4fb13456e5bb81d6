package io.switchboard.channel;

/**
 * {@code broadcast}: an allowed client event goes to every subscriber of the topic, sender
 * included, unchanged.
 */
final class BroadcastChannel implements ChannelBehaviour {

  @Override
  public RouteDecision accept(ChannelServices services, ClientEvent event) {
    return RouteDecision.published(services.broadcast(Publication.of(event)));
  }
}
