package io.switchboard.routing;

import io.switchboard.broker.Broker;
import io.switchboard.channel.RouteDecision;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.idempotency.IdempotencyKey;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.UnicodeText;
import io.switchboard.protocol.V2BinaryCodec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Routing over the event bus: answers join and push requests from socket verticles on edge nodes
 * (on all-in-one nodes only when a socket verticle asks: they decide in-process with their own
 * {@link ChannelRouter}), and validates and carries out backend publishes from {@code
 * switchboard.publish}.
 */
public final class RoomRoutingVerticle extends VerticleBase {
  private final SwitchboardConfig config;
  private final Broker broker;
  private final boolean clusterWide;
  private final SwitchboardMeters meters;
  private ChannelRouter router;

  /**
   * @param clusterWide serve join/push requests from socket verticles on other nodes (a core node);
   *     otherwise only this node's, so an all-in-one cluster never routes a push through another
   *     node
   */
  public RoomRoutingVerticle(
      SwitchboardConfig config, Broker broker, boolean clusterWide, SwitchboardMeters meters) {
    this.config = config;
    this.broker = broker;
    this.clusterWide = clusterWide;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    router = new ChannelRouter(config, new NodeChannelServices(broker, bus, meters));
    return Future.all(
        (clusterWide
                ? bus.<JsonObject>consumer(Addresses.ROUTE_JOIN, this::onJoin)
                : bus.<JsonObject>localConsumer(Addresses.ROUTE_JOIN, this::onJoin))
            .completion(),
        (clusterWide
                ? bus.<JsonObject>consumer(Addresses.ROUTE_PUSH, this::onPush)
                : bus.<JsonObject>localConsumer(Addresses.ROUTE_PUSH, this::onPush))
            .completion(),
        bus.<Object>consumer(Addresses.PUBLISH, this::onPublish).completion());
  }

  private void onJoin(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    msg.reply(RouteMessages.encode(router.join(body.getString("topic"), RouteMessages.user(body))));
  }

  private void onPush(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    RouteMessages.settle(
            router.push(
                body.getString("topic"),
                body.getString("event"),
                RouteMessages.user(body),
                body.getBuffer("payload"),
                body.getBoolean("binary", false)))
        .onSuccess(msg::reply);
  }

  /**
   * Backend publish: {@code {topic, event, payload}} and optionally {@code idempotency_key};
   * replies ok or fails with 400 and what was wrong.
   */
  private void onPublish(Message<Object> msg) {
    if (!(msg.body() instanceof JsonObject body)) {
      msg.fail(400, "body must be a JSON object {topic, event, payload}");
      return;
    }
    Object topic = body.getValue("topic");
    Object event = body.getValue("event");
    Object payload = body.getValue("payload", new JsonObject());
    Object binary = body.getValue("binary");
    Object key = body.getValue(IdempotencyKey.FIELD);
    if (!(topic instanceof String t)
        || t.isEmpty()
        || t.length() > config.limits().maxTopicLength()) {
      msg.fail(
          400,
          "topic must be a non-empty string of at most "
              + config.limits().maxTopicLength()
              + " characters");
      return;
    }
    if (!(event instanceof String e) || e.isEmpty()) {
      msg.fail(400, "event must be a non-empty string");
      return;
    }
    if (!UnicodeText.isWellFormed(t) || !UnicodeText.isWellFormed(e)) {
      msg.fail(400, "topic and event must be well-formed Unicode (no lone surrogates)");
      return;
    }
    String idempotencyKey = key == null ? null : IdempotencyKey.valid(key);
    if (key != null && idempotencyKey == null) {
      msg.fail(400, IdempotencyKey.RULE);
      return;
    }
    String scopedKey = idempotencyKey == null ? null : IdempotencyKey.ofBackend(idempotencyKey);
    if (t.startsWith(Events.USER_SOCKET_PREFIX)) {
      if (!e.equals(Events.DISCONNECT)) {
        msg.fail(400, "user_socket topics accept only the 'disconnect' event");
        return;
      }
      vertx
          .eventBus()
          .publish(
              Addresses.DISCONNECT,
              new JsonObject().put("user", t.substring(Events.USER_SOCKET_PREFIX.length())));
      msg.reply(RouteMessages.ok());
      return;
    }
    RouteDecision decision;
    if (binary != null) {
      Buffer bytes;
      try {
        bytes = body.getBuffer("binary");
      } catch (ClassCastException | IllegalArgumentException bad) {
        msg.fail(400, "binary must be base64 text (or a Buffer)");
        return;
      }
      if (!V2BinaryCodec.fitsHeader(t) || !V2BinaryCodec.fitsHeader(e)) {
        msg.fail(
            400,
            "binary broadcasts need topic and event of at most "
                + V2BinaryCodec.MAX_FIELD_BYTES
                + " UTF-8 bytes each");
        return;
      }
      decision = router.publish(t, e, bytes, true, scopedKey);
    } else if (payload instanceof JsonObject json) {
      decision = router.publish(t, e, json.toBuffer(), false, scopedKey);
    } else {
      msg.fail(400, "payload must be a JSON object; send raw bytes as base64 in 'binary' instead");
      return;
    }
    if (decision instanceof RouteDecision.Rejected r) {
      msg.fail(400, r.reason());
    } else if (decision instanceof RouteDecision.Published p) {
      // Answered once the history has it: the reply says where it went (and if it was a repeat).
      p.outcome()
          .onSuccess(outcome -> msg.reply(RouteMessages.published(outcome)))
          .onFailure(
              err -> msg.fail(503, RouteMessages.unpublishedReason(err) + ": " + err.getMessage()));
    } else {
      msg.reply(RouteMessages.ok());
    }
  }
}
