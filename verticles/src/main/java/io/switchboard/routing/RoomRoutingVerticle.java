package io.switchboard.routing;

import io.switchboard.auth.JoinPolicy;
import io.switchboard.auth.Principal;
import io.switchboard.broker.Broker;
import io.switchboard.compression.PayloadCompressor;
import io.switchboard.config.ChannelKind;
import io.switchboard.config.ChannelRule;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Reasons;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Topic pattern → channel kind. Authorises joins and client pushes against the config rules (deny by default)
 * and turns accepted pushes and backend publishes into broker publishes or ingest messages.
 */
public final class RoomRoutingVerticle extends VerticleBase {
  private final SwitchboardConfig config;
  private final Broker broker;
  private final boolean clusterWide;
  private final PayloadCompressor compressor;

  /**
   * @param clusterWide serve join/push requests from socket verticles on other nodes (a core node); otherwise
   *                    only this node's, so an all-in-one cluster never routes a push through another node
   */
  public RoomRoutingVerticle(SwitchboardConfig config, Broker broker, boolean clusterWide, SwitchboardMeters meters) {
    this.config = config;
    this.broker = broker;
    this.clusterWide = clusterWide;
    this.compressor = new PayloadCompressor(meters);
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        (clusterWide ? bus.<JsonObject>consumer(Addresses.ROUTE_JOIN, this::onJoin)
            : bus.<JsonObject>localConsumer(Addresses.ROUTE_JOIN, this::onJoin)).completion(),
        (clusterWide ? bus.<JsonObject>consumer(Addresses.ROUTE_PUSH, this::onPush)
            : bus.<JsonObject>localConsumer(Addresses.ROUTE_PUSH, this::onPush)).completion(),
        bus.<Object>consumer(Addresses.PUBLISH, this::onPublish).completion());
  }

  private void onJoin(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String topic = body.getString("topic");
    Optional<ChannelRule> rule = config.ruleFor(topic);
    if (rule.isEmpty()) {
      msg.reply(RouteMessages.error(Reasons.UNMATCHED_TOPIC));
      return;
    }
    Principal user = new Principal(body.getString("user"), claimTopics(body.getJsonArray("topics")));
    msg.reply(JoinPolicy.allows(rule.get(), topic, user)
        ? RouteMessages.joined(rule.get())
        : RouteMessages.error(Reasons.UNAUTHORIZED));
  }

  private void onPush(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String topic = body.getString("topic");
    String event = body.getString("event");
    Optional<ChannelRule> found = config.ruleFor(topic);
    if (found.isEmpty()) {
      msg.reply(RouteMessages.error(Reasons.UNMATCHED_TOPIC));
      return;
    }
    ChannelRule rule = found.get();
    if (!rule.acceptsClientEvent(event)) {
      msg.reply(RouteMessages.error(rule.clientEvents().isEmpty() ? Reasons.PUSH_NOT_ALLOWED : Reasons.EVENT_NOT_ALLOWED));
      return;
    }
    Buffer payload = body.getBuffer("payload");
    boolean binary = body.getBoolean("binary", false);
    switch (rule.kind()) {
      case BROADCAST, BATCH -> {
        if (!publishOn(rule, topic, event, payload, binary)) {
          msg.reply(RouteMessages.error(Reasons.INVALID_PAYLOAD + ": batches carry JSON payloads only"));
          return;
        }
      }
      case INGEST -> vertx.eventBus().publish(Addresses.INGEST, new JsonObject()
          .put("topic", topic).put("event", event).put("user", body.getString("user"))
          .put("payload", binary ? new JsonObject().put("binary", payload) : new JsonObject(payload))
          .put("received_at", System.currentTimeMillis()));
      case SERVER_PUSH, STREAM -> {
        // Stream channels' data/flush are served by the socket itself; nothing else is pushed there.
        msg.reply(RouteMessages.error(Reasons.PUSH_NOT_ALLOWED));
        return;
      }
    }
    msg.reply(RouteMessages.ok());
  }

  /** Backend publish: {@code {topic, event, payload}}; replies ok or fails with 400 and what was wrong. */
  private void onPublish(Message<Object> msg) {
    if (!(msg.body() instanceof JsonObject body)) {
      msg.fail(400, "body must be a JSON object {topic, event, payload}");
      return;
    }
    Object topic = body.getValue("topic");
    Object event = body.getValue("event");
    Object payload = body.getValue("payload", new JsonObject());
    Object binary = body.getValue("binary");
    if (!(topic instanceof String t) || t.isEmpty() || t.length() > config.limits().maxTopicLength()) {
      msg.fail(400, "topic must be a non-empty string of at most " + config.limits().maxTopicLength() + " characters");
      return;
    }
    if (!(event instanceof String e) || e.isEmpty()) {
      msg.fail(400, "event must be a non-empty string");
      return;
    }
    if (t.startsWith(Events.USER_SOCKET_PREFIX)) {
      if (!e.equals(Events.DISCONNECT)) {
        msg.fail(400, "user_socket topics accept only the 'disconnect' event");
        return;
      }
      vertx.eventBus().publish(Addresses.DISCONNECT,
          new JsonObject().put("user", t.substring(Events.USER_SOCKET_PREFIX.length())));
      msg.reply(RouteMessages.ok());
      return;
    }
    ChannelRule rule = config.ruleFor(t).orElse(null);
    if (binary != null) {
      Buffer bytes;
      try {
        bytes = body.getBuffer("binary");
      } catch (ClassCastException | IllegalArgumentException bad) {
        msg.fail(400, "binary must be base64 text (or a Buffer)");
        return;
      }
      if (!publishOn(rule, t, e, bytes, true)) {
        msg.fail(400, "batch topics carry JSON payloads only");
        return;
      }
    } else if (payload instanceof JsonObject json) {
      publishOn(rule, t, e, json.toBuffer(), false);
    } else {
      msg.fail(400, "payload must be a JSON object; send raw bytes as base64 in 'binary' instead");
      return;
    }
    msg.reply(RouteMessages.ok());
  }

  /**
   * The one place a broadcast leaves the router: batch topics go to the batching verticle, the rest to the broker,
   * their JSON payloads compressed once here when the channel asks for it. False for a binary batch.
   */
  private boolean publishOn(ChannelRule rule, String topic, String event, Buffer payload, boolean binary) {
    if (rule != null && rule.kind() == ChannelKind.BATCH) {
      if (binary) {
        return false;
      }
      vertx.eventBus().send(Addresses.BATCH_ADD, new JsonObject().put("topic", topic).put("payload", payload));
      return true;
    }
    ChannelRule.Options options = rule == null ? ChannelRule.Options.DEFAULTS : rule.options();
    broker.publish(topic, event, binary ? payload : compressor.apply(options, payload), binary);
    return true;
  }

  private static Set<String> claimTopics(JsonArray topics) {
    Set<String> out = new HashSet<>();
    if (topics != null) {
      topics.forEach(t -> out.add(String.valueOf(t)));
    }
    return out;
  }
}
