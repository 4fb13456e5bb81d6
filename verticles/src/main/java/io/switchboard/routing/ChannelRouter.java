package io.switchboard.routing;

import io.switchboard.auth.JoinPolicy;
import io.switchboard.auth.Principal;
import io.switchboard.broker.Broker;
import io.switchboard.compression.PayloadCompressor;
import io.switchboard.config.ChannelKind;
import io.switchboard.config.ChannelRule;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.Reasons;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The routing decisions: topic pattern → channel rule, join authorisation, and what an accepted push becomes
 * (a broker publish, an ingest message, a batch entry). Answers are {@link RouteMessages} bodies.
 *
 * <p>Used in two places with the same rules: in-process by each socket verticle instance on a node that runs the
 * routing role (a push is then decided and published on the socket's own event loop, with no event-bus round trip:
 * measured at about 2 µs per delivery on 100-subscriber topics, see docs/BENCHMARKS.md), and by the
 * {@link RoomRoutingVerticle} for socket verticles on edge nodes and for backend publishes. One instance per
 * event loop: its compressor is not thread-safe.
 */
public final class ChannelRouter {
  private final SwitchboardConfig config;
  private final Broker broker;
  private final EventBus bus;
  private final PayloadCompressor compressor;

  public ChannelRouter(SwitchboardConfig config, Broker broker, EventBus bus, SwitchboardMeters meters) {
    this.config = config;
    this.broker = broker;
    this.bus = bus;
    this.compressor = new PayloadCompressor(meters);
  }

  /** May this user join the topic? The granted answer carries the channel's kind. */
  public JsonObject join(String topic, Principal user) {
    Optional<ChannelRule> rule = config.ruleFor(topic);
    if (rule.isEmpty()) {
      return RouteMessages.error(Reasons.UNMATCHED_TOPIC);
    }
    return JoinPolicy.allows(rule.get(), topic, user)
        ? RouteMessages.joined(rule.get())
        : RouteMessages.error(Reasons.UNAUTHORIZED);
  }

  /** A client push on a joined topic: checked against the channel's rules and carried out when allowed. */
  public JsonObject push(String topic, String event, Principal user, Buffer payload, boolean binary) {
    Optional<ChannelRule> found = config.ruleFor(topic);
    if (found.isEmpty()) {
      return RouteMessages.error(Reasons.UNMATCHED_TOPIC);
    }
    ChannelRule rule = found.get();
    if (!rule.acceptsClientEvent(event)) {
      return RouteMessages.error(rule.clientEvents().isEmpty() ? Reasons.PUSH_NOT_ALLOWED : Reasons.EVENT_NOT_ALLOWED);
    }
    switch (rule.kind()) {
      case BROADCAST, BATCH -> {
        if (!publishOn(rule, topic, event, payload, binary)) {
          return RouteMessages.error(Reasons.INVALID_PAYLOAD + ": batches carry JSON payloads only");
        }
      }
      case INGEST -> bus.publish(Addresses.INGEST, new JsonObject()
          .put("topic", topic).put("event", event).put("user", user.userId())
          .put("payload", binary ? new JsonObject().put("binary", payload) : new JsonObject(payload))
          .put("received_at", System.currentTimeMillis()));
      case SERVER_PUSH, STREAM -> {
        // Stream channels' data/flush are served by the socket itself; nothing else is pushed there.
        return RouteMessages.error(Reasons.PUSH_NOT_ALLOWED);
      }
    }
    return RouteMessages.ok();
  }

  /**
   * The one place a broadcast leaves routing: batch topics go to the batching verticle, the rest to the broker,
   * their JSON payloads compressed once here when the channel asks for it. False for a binary batch.
   *
   * @param rule the topic's rule, or null for topics no rule serves (backends may still publish there)
   */
  public boolean publishOn(ChannelRule rule, String topic, String event, Buffer payload, boolean binary) {
    if (rule != null && rule.kind() == ChannelKind.BATCH) {
      if (binary) {
        return false;
      }
      bus.send(Addresses.BATCH_ADD, new JsonObject().put("topic", topic).put("payload", payload));
      return true;
    }
    ChannelRule.Options options = rule == null ? ChannelRule.Options.DEFAULTS : rule.options();
    broker.publish(topic, event, binary ? payload : compressor.apply(options, payload), binary);
    return true;
  }
}
