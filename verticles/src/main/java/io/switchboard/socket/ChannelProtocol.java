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
import io.switchboard.routing.ChannelRouter;
import io.switchboard.routing.RouteMessages;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The Phoenix channel semantics of one socket verticle instance: heartbeat, join, leave, push, read as a
 * protocol table. Joins and pushes are decided by a {@link ChannelRouter}: in-process on nodes that run the
 * routing role, over the event bus on edge nodes. Membership is local, and so is the per-socket state of
 * {@code stream} channels. See docs/PROTOCOL.md.
 */
final class ChannelProtocol {
  /** Sent on a channel whose router did not answer: phoenix.js rejoins it with backoff. */
  static final Buffer CHANNEL_CRASH = Buffer.buffer("{\"reason\":\"channel_crash\"}");
  static final String JOIN_CRASHED = "join crashed";
  /** At most one rate-limit throttle event per socket per this long. */
  private static final long THROTTLE_EVERY_NANOS = 1_000_000_000L;

  private final SwitchboardConfig config;
  private final Subscriptions subscriptions;
  private final SwitchboardMeters meters;
  private final EventBus bus;
  /** In-process routing on nodes that run the routing role; null on edge nodes, which ask over the event bus. */
  private final ChannelRouter localRouter;
  private final DeliveryOptions routeOptions = new DeliveryOptions().setSendTimeout(5_000);

  ChannelProtocol(SwitchboardConfig config, Subscriptions subscriptions, SwitchboardMeters meters, EventBus bus,
                  ChannelRouter localRouter) {
    this.config = config;
    this.subscriptions = subscriptions;
    this.meters = meters;
    this.bus = bus;
    this.localRouter = localRouter;
  }

  private Future<JsonObject> routeJoin(String topic, Connection c) {
    return localRouter != null
        ? Future.succeededFuture(localRouter.join(topic, c.user))
        : bus.<JsonObject>request(Addresses.ROUTE_JOIN, RouteMessages.join(topic, c.user), routeOptions)
            .map(Message::body);
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
    boolean heartbeat = Events.PHOENIX_TOPIC.equals(frame.topic()) && Events.HEARTBEAT.equals(frame.event());
    if (heartbeat) {
      c.replyOk(null, frame.ref(), frame.topic());
      return done(message);
    }
    if (!withinRate(c, frame)) {
      return done(message);
    }
    Future<Void> result = switch (frame.event()) {
      case Events.JOIN -> join(c, frame);
      case Events.LEAVE -> leave(c, frame);
      default -> push(c, frame);
    };
    return result.andThen(ar -> meters.handled(System.nanoTime() - message.receivedNanos()));
  }

  private Future<Void> done(Connection.Inbound message) {
    meters.handled(System.nanoTime() - message.receivedNanos());
    return Future.succeededFuture();
  }

  /** The inbound token bucket: over it, an error reply, a throttle event now and then, and in the end a close. */
  private boolean withinRate(Connection c, Frame f) {
    long now = System.nanoTime();
    if (c.rate.tryTake(now)) {
      c.rejectedInARow = 0;
      return true;
    }
    if (++c.rejectedInARow >= config.rateLimit().closeAfterRejected()) {
      c.close(CloseCodes.POLICY_VIOLATION, "rate limit exceeded");
      return false;
    }
    c.replyError(f.joinRef(), f.ref(), f.topic(), Reasons.RATE_LIMITED);
    if (now - c.lastThrottleNanos > THROTTLE_EVERY_NANOS) {
      c.lastThrottleNanos = now;
      throttle(c, f.topic(), joinRefOf(c, f.topic()), Reasons.THROTTLE_RATE_LIMITED,
          new JsonObject().put("limit_per_second", config.rateLimit().messagesPerSecond()));
    }
    return false;
  }

  private void throttle(Connection c, String topic, String joinRef, String reason, JsonObject details) {
    meters.throttled(reason);
    c.send(joinRef, null, topic, Events.THROTTLE, details.put("reason", reason).toBuffer());
  }

  private static String joinRefOf(Connection c, String topic) {
    JoinedChannel ch = c.joined.get(topic);
    return ch == null ? null : ch.joinRef;
  }

  private Future<Void> join(Connection c, Frame f) {
    String topic = subscriptions.canonical(f.topic());
    if (topic.length() > config.limits().maxTopicLength()) {
      c.replyError(f.joinRef(), f.ref(), topic, Reasons.TOPIC_TOO_LONG);
      return Future.succeededFuture();
    }
    if (f.binary()) {
      c.replyError(f.joinRef(), f.ref(), topic, Reasons.INVALID_PAYLOAD + ": join params must be a JSON object");
      return Future.succeededFuture();
    }
    if (!c.joined.containsKey(topic) && c.joined.size() >= config.limits().maxChannelsPerSocket()) {
      c.replyError(f.joinRef(), f.ref(), topic, Reasons.TOO_MANY_CHANNELS);
      return Future.succeededFuture();
    }
    return routeJoin(topic, c)
        .compose(body -> {
          if (!RouteMessages.isOk(body)) {
            c.replyError(f.joinRef(), f.ref(), topic, body.getString("reason"));
            return Future.<Void>succeededFuture();
          }
          if (c.closing()) {
            // Closed while the route was asked (an edge node asks the core over the cluster): subscribing now
            // would attach a dead connection to the topic for good.
            return Future.<Void>succeededFuture();
          }
          JoinedChannel channel = new JoinedChannel(f.joinRef(), body.getString("kind"),
              body.getInteger("streamBufferMax", 0));
          JoinedChannel previous = c.joined.put(topic, channel);
          if (previous != null) {
            // Phoenix stops the old channel: what it held goes where it would on a leave.
            release(c, topic, previous);
          }
          Future<Void> ready = previous == null ? subscriptions.add(topic, c) : Future.succeededFuture();
          return ready.map(v -> {
            c.replyOk(f.joinRef(), f.ref(), topic);
            if (previous != null && !previous.joinRef.equals(f.joinRef())) {
              // The client learns the old channel is gone through phx_close on its join_ref.
              c.send(previous.joinRef, previous.joinRef, topic, Events.CLOSE, Connection.EMPTY_OBJECT);
            }
            return (Void) null;
          });
        }, err -> {
          c.replyError(f.joinRef(), f.ref(), topic, JOIN_CRASHED);
          return Future.succeededFuture();
        });
  }

  private Future<Void> leave(Connection c, Frame f) {
    JoinedChannel channel = c.joined.get(f.topic());
    if (channel == null) {
      c.replyError(null, f.ref(), f.topic(), Reasons.UNMATCHED_TOPIC);
    } else if (Objects.equals(channel.joinRef, f.joinRef())) {
      c.joined.remove(f.topic());
      subscriptions.remove(f.topic(), c);
      release(c, f.topic(), channel);
      c.replyOk(channel.joinRef, f.ref(), f.topic());
      c.send(channel.joinRef, channel.joinRef, f.topic(), Events.CLOSE, Connection.EMPTY_OBJECT);
    }
    // A stale join_ref belongs to a channel already replaced: dropped, as Phoenix does.
    return Future.succeededFuture();
  }

  /**
   * What a channel holds goes on when it ends (leave, rejoin, close): a stream's buffered values to backends,
   * a batch topic's pending messages to its subscribers.
   */
  void release(Connection c, String topic, JoinedChannel channel) {
    if (channel.isStream() && channel.streamValues != null && !channel.streamValues.isEmpty()) {
      flushStream(c, topic, channel);
    } else if (channel.isBatch()) {
      // Published, not sent: in a cluster a send reaches one node's batching, maybe not the one holding the batch.
      bus.publish(Addresses.BATCH_FLUSH, new JsonObject().put("topic", topic));
    }
  }

  private Future<Void> push(Connection c, Frame f) {
    JoinedChannel channel = c.joined.get(f.topic());
    if (channel == null) {
      c.replyError(null, f.ref(), f.topic(), Reasons.UNMATCHED_TOPIC);
      return Future.succeededFuture();
    }
    if (!Objects.equals(channel.joinRef, f.joinRef())) {
      return Future.succeededFuture();
    }
    if (channel.isStream()) {
      stream(c, f, channel);
      return Future.succeededFuture();
    }
    if (localRouter != null) {
      // Decided and published right here, on this socket's event loop: pushes from one read are broadcast
      // back to back, and their frames share the flushes that follow.
      answerPush(c, f, channel, localRouter.push(f.topic(), f.event(), c.user, f.payload(), f.binary()));
      return Future.succeededFuture();
    }
    JsonObject request = RouteMessages.push(f.topic(), f.event(), c.user, f.payload(), f.binary());
    return bus.<JsonObject>request(Addresses.ROUTE_PUSH, request, routeOptions).transform(ar -> {
      if (ar.succeeded()) {
        answerPush(c, f, channel, ar.result().body());
      } else if (c.joined.get(f.topic()) == channel) {
        // The router failed: the channel is gone for this socket and phoenix.js will rejoin it.
        c.joined.remove(f.topic());
        subscriptions.remove(f.topic(), c);
        c.send(channel.joinRef, channel.joinRef, f.topic(), Events.ERROR, CHANNEL_CRASH);
      }
      return Future.succeededFuture();
    });
  }

  private static void answerPush(Connection c, Frame f, JoinedChannel channel, JsonObject decision) {
    if (RouteMessages.isOk(decision)) {
      c.replyOk(channel.joinRef, f.ref(), f.topic());
    } else {
      c.replyError(channel.joinRef, f.ref(), f.topic(), decision.getString("reason"));
    }
  }

  /** Stream channels: {@code data {value}} fills the socket's bounded buffer, {@code flush} hands it on. */
  private void stream(Connection c, Frame f, JoinedChannel channel) {
    if (Events.STREAM_FLUSH.equals(f.event())) {
      int count = channel.streamValues == null ? 0 : channel.streamValues.size();
      if (count > 0) {
        flushStream(c, f.topic(), channel);
      }
      channel.throttledForBytes = false; // a later refusal says so again
      c.reply(channel.joinRef, f.ref(), f.topic(), Events.STATUS_OK, new JsonObject().put("count", count).toBuffer());
      return;
    }
    if (!Events.STREAM_DATA.equals(f.event())) {
      c.replyError(channel.joinRef, f.ref(), f.topic(), Reasons.EVENT_NOT_ALLOWED);
      return;
    }
    Object value;
    try {
      value = f.binary() ? null : new JsonObject(f.payload()).getValue("value");
    } catch (DecodeException e) {
      value = null;
    }
    if (f.binary() || value == null) {
      c.replyError(channel.joinRef, f.ref(), f.topic(), Reasons.INVALID_PAYLOAD + ": data needs {\"value\": ...}");
      return;
    }
    if (channel.streamValues == null) {
      channel.streamValues = new JsonArray();
    }
    int bytes = f.payload().length();
    long maxBytes = config.limits().maxStreamBufferBytes();
    boolean countFull = channel.streamValues.size() >= channel.streamBufferMax;
    if (countFull || c.streamBufferedBytes + bytes > maxBytes) {
      c.replyError(channel.joinRef, f.ref(), f.topic(), Reasons.BUFFER_FULL);
      if (!countFull && !channel.throttledForBytes) {
        // The socket's byte budget ran out first (the count bound throttles when it is reached): say so once.
        channel.throttledForBytes = true;
        throttle(c, f.topic(), channel.joinRef, Reasons.THROTTLE_BUFFER_FULL, new JsonObject()
            .put("buffered", channel.streamValues.size()).put("max", channel.streamBufferMax)
            .put("buffered_bytes", c.streamBufferedBytes).put("max_bytes", maxBytes));
      }
      return;
    }
    channel.streamValues.add(value);
    channel.streamBytes += bytes;
    c.streamBufferedBytes += bytes;
    c.replyOk(channel.joinRef, f.ref(), f.topic());
    if (channel.streamValues.size() == channel.streamBufferMax) {
      throttle(c, f.topic(), channel.joinRef, Reasons.THROTTLE_BUFFER_FULL,
          new JsonObject().put("buffered", channel.streamValues.size()).put("max", channel.streamBufferMax));
    }
  }

  private void flushStream(Connection c, String topic, JoinedChannel channel) {
    bus.publish(Addresses.STREAM, new JsonObject().put("topic", topic).put("user", c.user.userId())
        .put("values", channel.streamValues));
    channel.streamValues = null;
    c.streamBufferedBytes -= channel.streamBytes;
    channel.streamBytes = 0;
  }

  private static String truncate(String reason) {
    // A close reason must fit in a control frame (123 bytes).
    return reason.length() > 100 ? reason.substring(0, 100) : reason;
  }
}
