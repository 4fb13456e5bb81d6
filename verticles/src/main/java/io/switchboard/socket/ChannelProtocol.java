package io.switchboard.socket;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Frame;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.Reasons;
import io.switchboard.protocol.V2BinaryCodec;
import io.switchboard.protocol.V2JsonCodec;
import io.switchboard.routing.RouteMessages;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The Phoenix channel semantics of one socket verticle instance: heartbeat, join, leave, push, read as a
 * protocol table. Joins and pushes are authorised by the router over the event bus; membership is local.
 * See the frame table in the README's protocol section.
 */
final class ChannelProtocol {
  /** Sent on a channel whose router did not answer: phoenix.js rejoins it with backoff. */
  static final Buffer CHANNEL_CRASH = Buffer.buffer("{\"reason\":\"channel_crash\"}");
  static final String JOIN_CRASHED = "join crashed";

  private final SwitchboardConfig.Limits limits;
  private final Subscriptions subscriptions;
  private final SwitchboardMeters meters;
  private final EventBus bus;
  private final DeliveryOptions routeOptions = new DeliveryOptions().setSendTimeout(5_000);

  ChannelProtocol(SwitchboardConfig.Limits limits, Subscriptions subscriptions, SwitchboardMeters meters, EventBus bus) {
    this.limits = limits;
    this.subscriptions = subscriptions;
    this.meters = meters;
    this.bus = bus;
  }

  /** Handles one inbound message; the future completes when the next may be handled. */
  Future<Void> handle(Connection c, Connection.Inbound message) {
    meters.received();
    Frame frame;
    try {
      frame = message.data() instanceof String text
          ? V2JsonCodec.decode(text)
          : V2BinaryCodec.decode((Buffer) message.data());
    } catch (FrameException e) {
      if (e.answerable()) {
        c.replyError(e.joinRef(), e.ref(), e.topic(), Reasons.INVALID_PAYLOAD + ": " + e.reason());
      } else {
        c.close(CloseCodes.INVALID_FRAME, truncate(e.reason()));
      }
      return done(message);
    }
    Future<Void> result = switch (frame.event()) {
      case Events.JOIN -> join(c, frame);
      case Events.LEAVE -> leave(c, frame);
      case Events.HEARTBEAT -> Events.PHOENIX_TOPIC.equals(frame.topic()) ? heartbeat(c, frame) : push(c, frame);
      default -> push(c, frame);
    };
    return result.andThen(ar -> meters.handled(System.nanoTime() - message.receivedNanos()));
  }

  private Future<Void> done(Connection.Inbound message) {
    meters.handled(System.nanoTime() - message.receivedNanos());
    return Future.succeededFuture();
  }

  private Future<Void> heartbeat(Connection c, Frame f) {
    c.replyOk(null, f.ref(), f.topic());
    return Future.succeededFuture();
  }

  private Future<Void> join(Connection c, Frame f) {
    String topic = f.topic();
    if (topic.length() > limits.maxTopicLength()) {
      c.replyError(f.joinRef(), f.ref(), topic, Reasons.TOPIC_TOO_LONG);
      return Future.succeededFuture();
    }
    if (f.binary()) {
      c.replyError(f.joinRef(), f.ref(), topic, Reasons.INVALID_PAYLOAD + ": join params must be a JSON object");
      return Future.succeededFuture();
    }
    if (!c.joined.containsKey(topic) && c.joined.size() >= limits.maxChannelsPerSocket()) {
      c.replyError(f.joinRef(), f.ref(), topic, Reasons.TOO_MANY_CHANNELS);
      return Future.succeededFuture();
    }
    return bus.<JsonObject>request(Addresses.ROUTE_JOIN, RouteMessages.join(topic, c.user), routeOptions)
        .compose(reply -> {
          JsonObject body = reply.body();
          if (!RouteMessages.isOk(body)) {
            c.replyError(f.joinRef(), f.ref(), topic, body.getString("reason"));
            return Future.<Void>succeededFuture();
          }
          if (c.closing()) {
            return Future.<Void>succeededFuture();
          }
          String previous = c.joined.put(topic, f.joinRef());
          Future<Void> ready = previous == null ? subscriptions.add(topic, c) : Future.succeededFuture();
          return ready.map(v -> {
            c.replyOk(f.joinRef(), f.ref(), topic);
            if (previous != null && !previous.equals(f.joinRef())) {
              // Phoenix stops the old channel: the client learns it through phx_close on the old join_ref.
              c.send(previous, previous, topic, Events.CLOSE, Connection.EMPTY_OBJECT);
            }
            return (Void) null;
          });
        }, err -> {
          c.replyError(f.joinRef(), f.ref(), topic, JOIN_CRASHED);
          return Future.succeededFuture();
        });
  }

  private Future<Void> leave(Connection c, Frame f) {
    String joinRef = c.joined.get(f.topic());
    if (joinRef == null) {
      c.replyError(null, f.ref(), f.topic(), Reasons.UNMATCHED_TOPIC);
    } else if (Objects.equals(joinRef, f.joinRef())) {
      c.joined.remove(f.topic());
      subscriptions.remove(f.topic(), c);
      c.replyOk(joinRef, f.ref(), f.topic());
      c.send(joinRef, joinRef, f.topic(), Events.CLOSE, Connection.EMPTY_OBJECT);
    }
    // A stale join_ref belongs to a channel already replaced: dropped, as Phoenix does.
    return Future.succeededFuture();
  }

  private Future<Void> push(Connection c, Frame f) {
    String joinRef = c.joined.get(f.topic());
    if (joinRef == null) {
      c.replyError(null, f.ref(), f.topic(), Reasons.UNMATCHED_TOPIC);
      return Future.succeededFuture();
    }
    if (!Objects.equals(joinRef, f.joinRef())) {
      return Future.succeededFuture();
    }
    JsonObject request = RouteMessages.push(f.topic(), f.event(), c.user, f.payload(), f.binary());
    return bus.<JsonObject>request(Addresses.ROUTE_PUSH, request, routeOptions).transform(ar -> {
      if (ar.succeeded()) {
        JsonObject body = ar.result().body();
        if (RouteMessages.isOk(body)) {
          c.replyOk(joinRef, f.ref(), f.topic());
        } else {
          c.replyError(joinRef, f.ref(), f.topic(), body.getString("reason"));
        }
      } else if (Objects.equals(c.joined.get(f.topic()), joinRef)) {
        // The router failed: the channel is gone for this socket and phoenix.js will rejoin it.
        c.joined.remove(f.topic());
        subscriptions.remove(f.topic(), c);
        c.send(joinRef, joinRef, f.topic(), Events.ERROR, CHANNEL_CRASH);
      }
      return Future.succeededFuture();
    });
  }

  private static String truncate(String reason) {
    // A close reason must fit in a control frame (123 bytes).
    return reason.length() > 100 ? reason.substring(0, 100) : reason;
  }
}
