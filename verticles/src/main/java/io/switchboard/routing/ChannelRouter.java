package io.switchboard.routing;

import io.switchboard.auth.JoinPolicy;
import io.switchboard.auth.Principal;
import io.switchboard.channel.ChannelBehaviour;
import io.switchboard.channel.ChannelKinds;
import io.switchboard.channel.ChannelServices;
import io.switchboard.channel.ClientEvent;
import io.switchboard.channel.Publication;
import io.switchboard.channel.RouteDecision;
import io.switchboard.config.ChannelRule;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.Reasons;
import io.vertx.core.buffer.Buffer;

/**
 * The routing decisions: topic pattern → channel rule, join authorisation, and handing an allowed
 * client push or a backend publish to its kind's {@link ChannelBehaviour}.
 *
 * <p>Used in two places with the same rules: in-process by each socket verticle instance on a node
 * that runs the routing role (a push is then decided and published on the socket's own event loop,
 * with no event-bus round trip: measured at about 2 µs per delivery on 100-subscriber topics, see
 * docs/BENCHMARKS.md), and by the {@link RoomRoutingVerticle} for socket verticles on edge nodes
 * and for backend publishes. One instance per event loop, like its {@link ChannelServices}.
 */
public final class ChannelRouter {
  private static final RouteDecision UNMATCHED =
      new RouteDecision.Rejected(Reasons.UNMATCHED_TOPIC);
  private static final RouteDecision UNAUTHORIZED =
      new RouteDecision.Rejected(Reasons.UNAUTHORIZED);
  private static final RouteDecision PUSH_NOT_ALLOWED =
      new RouteDecision.Rejected(Reasons.PUSH_NOT_ALLOWED);
  private static final RouteDecision EVENT_NOT_ALLOWED =
      new RouteDecision.Rejected(Reasons.EVENT_NOT_ALLOWED);

  private final SwitchboardConfig config;
  private final ChannelServices services;

  public ChannelRouter(SwitchboardConfig config, ChannelServices services) {
    this.config = config;
    this.services = services;
  }

  /**
   * May this user join the topic? {@link RouteDecision.Joined} carries the rule that granted it.
   */
  public RouteDecision join(String topic, Principal user) {
    ChannelRule rule = config.ruleFor(topic).orElse(null);
    if (rule == null) {
      return UNMATCHED;
    }
    return JoinPolicy.allows(rule, topic, user) ? new RouteDecision.Joined(rule) : UNAUTHORIZED;
  }

  /**
   * A client push on a topic the socket joined under {@code rule}: checked against the rule, then
   * carried out.
   */
  public RouteDecision push(
      ChannelRule rule,
      String topic,
      String event,
      Principal user,
      Buffer payload,
      boolean binary) {
    if (!rule.acceptsClientEvent(event)) {
      return rule.clientEvents().isEmpty() ? PUSH_NOT_ALLOWED : EVENT_NOT_ALLOWED;
    }
    return ChannelKinds.behaviour(rule)
        .accept(services, new ClientEvent(rule, topic, event, user, payload, binary));
  }

  /**
   * A client push from another node's socket: the rule is looked up here, in this node's config.
   */
  public RouteDecision push(
      String topic, String event, Principal user, Buffer payload, boolean binary) {
    ChannelRule rule = config.ruleFor(topic).orElse(null);
    return rule == null ? UNMATCHED : push(rule, topic, event, user, payload, binary);
  }

  /**
   * A backend publish: what it becomes is the topic's kind's business (a broadcast, unless the kind
   * says otherwise).
   */
  public RouteDecision publish(String topic, String event, Buffer payload, boolean binary) {
    return publish(topic, event, payload, binary, null);
  }

  /**
   * A backend publish with an idempotency key ({@link
   * io.switchboard.idempotency.IdempotencyKey#ofBackend}, scoped; null: none).
   */
  public RouteDecision publish(
      String topic, String event, Buffer payload, boolean binary, String idempotencyKey) {
    ChannelRule rule = config.ruleFor(topic).orElse(null);
    ChannelBehaviour behaviour =
        rule == null ? ChannelKinds.unmatched() : ChannelKinds.behaviour(rule);
    return behaviour.handlePublish(
        services, new Publication(rule, topic, event, payload, binary, idempotencyKey));
  }
}
