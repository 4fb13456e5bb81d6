package io.switchboard.socket;

import io.switchboard.channel.ChannelKinds;
import io.switchboard.channel.JoinedChannel;
import io.switchboard.channel.RouteDecision;
import io.switchboard.config.ChannelKind;
import io.switchboard.config.ChannelRule;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.history.HistoryStore;
import io.switchboard.limits.TokenBucket;
import io.switchboard.metrics.HistoryMeters;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Frame;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.Reasons;
import io.switchboard.protocol.SupabaseBinaryCodec;
import io.switchboard.protocol.V2BinaryCodec;
import io.switchboard.protocol.WireFormat;
import io.switchboard.routing.ChannelRouter;
import io.switchboard.routing.RouteMessages;
import io.switchboard.transport.Inbound;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The Phoenix protocol table of one socket verticle instance: heartbeat, join, leave, duplicate
 * join, stale join_ref, and the token refresh ({@code access_token}, {@link TokenLifetime}).
 * Everything a channel kind does differently is its {@link
 * io.switchboard.channel.ChannelBehaviour}'s. Joins (and pushes the kind routes) are decided by a
 * {@link ChannelRouter}: in-process on nodes that run the routing role, over the event bus on edge
 * nodes. See docs/PROTOCOL.md.
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
  private final TokenLifetime tokens;

  /**
   * In-process routing on nodes that run the routing role; null on edge nodes, which ask over the
   * event bus.
   */
  private final ChannelRouter localRouter;

  private final DeliveryOptions routeOptions = new DeliveryOptions().setSendTimeout(5_000);

  private final HistoryStore history;
  private final HistoryMeters historyMeters;

  ChannelProtocol(
      SwitchboardConfig config,
      Subscriptions subscriptions,
      SwitchboardMeters meters,
      EventBus bus,
      ChannelRouter localRouter,
      HistoryStore history,
      TokenLifetime tokens) {
    this.config = config;
    this.history = history;
    this.historyMeters = meters.history();
    this.subscriptions = subscriptions;
    this.meters = meters;
    this.bus = bus;
    this.localRouter = localRouter;
    this.tokens = tokens;
  }

  /** Handles one inbound message; the future completes when the next may be handled. */
  Future<Void> handle(Session s, Inbound message) {
    meters.received();
    Frame frame;
    try {
      frame = decode(s, message.data());
    } catch (FrameException e) {
      if (e.answerable()) {
        s.replyError(e.joinRef(), e.ref(), e.topic(), Reasons.INVALID_PAYLOAD + ": " + e.reason());
      } else {
        s.writer.close(CloseCodes.INVALID_FRAME, truncate(e.reason()));
      }
      return done(message);
    }
    boolean heartbeat =
        Events.PHOENIX_TOPIC.equals(frame.topic()) && Events.HEARTBEAT.equals(frame.event());
    if (heartbeat) {
      s.replyOk(null, frame.ref(), frame.topic());
      return done(message);
    }
    // Looked up once: the rate check and the push both need it.
    JoinedChannel channel = s.joined.get(frame.topic());
    boolean push = !Events.JOIN.equals(frame.event()) && !Events.LEAVE.equals(frame.event());
    long now = System.nanoTime();
    TokenBucket bucket = push && channel != null ? s.rateFor(channel, now) : s.rate;
    if (!withinRate(s, frame, channel, bucket, now)) {
      return done(message);
    }
    Future<Void> result =
        switch (frame.event()) {
          case Events.JOIN -> join(s, frame);
          case Events.LEAVE -> leave(s, frame);
          case Events.ACCESS_TOKEN -> tokens.refresh(s, frame, channel);
          default -> push(s, frame, channel);
        };
    return result.andThen(ar -> meters.handled(System.nanoTime() - message.receivedNanos()));
  }

  /**
   * A text frame in the client's format (the first one of a client without {@code vsn} sets it); a
   * binary one in V2's kinds, or realtime-js's for its clients. V1 has no binary frames.
   */
  private static Frame decode(Session s, Object data) throws FrameException {
    if (data instanceof String text) {
      if (s.format == null) {
        WireFormat sniffed = WireFormat.sniff(text);
        s.speak(s.realtimeJs && sniffed == WireFormat.V2 ? WireFormat.SUPABASE : sniffed);
      }
      return s.format.decode(text);
    }
    if (s.format == null) {
      s.speak(s.realtimeJs ? WireFormat.SUPABASE : WireFormat.V2); // only V2 has binary frames
    }
    return switch (s.format) {
      case V2 -> V2BinaryCodec.decode((Buffer) data);
      case SUPABASE -> SupabaseBinaryCodec.decode((Buffer) data);
      case V1 -> throw new FrameException(V1_BINARY);
    };
  }

  static final String V1_BINARY = "binary frames need vsn=2.0.0";

  private Future<Void> done(Inbound message) {
    meters.handled(System.nanoTime() - message.receivedNanos());
    return Future.succeededFuture();
  }

  /**
   * The inbound token bucket the frame is charged to (the socket's, or for a push on a channel
   * whose rule has its own budget, that one): over it, an error reply, a throttle event now and
   * then, and in the end a close.
   */
  private boolean withinRate(
      Session s, Frame f, JoinedChannel channel, TokenBucket bucket, long now) {
    if (bucket.tryTake(now)) {
      s.rejectedInARow = 0;
      return true;
    }
    if (++s.rejectedInARow >= config.rateLimit().closeAfterRejected()) {
      s.writer.close(CloseCodes.POLICY_VIOLATION, "rate limit exceeded");
      return false;
    }
    s.replyError(f.joinRef(), f.ref(), f.topic(), Reasons.RATE_LIMITED);
    if (now - s.lastThrottleNanos > THROTTLE_EVERY_NANOS) {
      s.lastThrottleNanos = now;
      s.throttle(
          f.topic(),
          channel == null ? null : channel.joinRef(),
          Reasons.THROTTLE_RATE_LIMITED,
          new JsonObject().put("limit_per_second", bucket.perSecond()));
    }
    return false;
  }

  private Future<RouteDecision> routeJoin(String topic, Session s) {
    return localRouter != null
        ? Future.succeededFuture(localRouter.join(topic, s.user))
        : bus.<JsonObject>request(
                Addresses.ROUTE_JOIN, RouteMessages.join(topic, s.user), routeOptions)
            .map(m -> RouteMessages.decodeJoin(m.body(), config, topic));
  }

  private Future<Void> join(Session s, Frame f) {
    String topic = subscriptions.canonical(f.topic());
    if (topic.length() > config.limits().maxTopicLength()) {
      s.replyError(f.joinRef(), f.ref(), topic, Reasons.TOPIC_TOO_LONG);
      return Future.succeededFuture();
    }
    if (f.binary()) {
      s.replyError(
          f.joinRef(),
          f.ref(),
          topic,
          Reasons.INVALID_PAYLOAD + ": join params must be a JSON object");
      return Future.succeededFuture();
    }
    if (!s.joined.containsKey(topic) && s.joined.size() >= config.limits().maxChannelsPerSocket()) {
      s.replyError(f.joinRef(), f.ref(), topic, Reasons.TOO_MANY_CHANNELS);
      return Future.succeededFuture();
    }
    return routeJoin(topic, s)
        .compose(
            decision -> {
              if (decision instanceof RouteDecision.Rejected r) {
                s.replyError(f.joinRef(), f.ref(), topic, r.reason());
                return Future.<Void>succeededFuture();
              }
              if (!(decision instanceof RouteDecision.Joined joined)) {
                return Future.<Void>failedFuture("a join answered without a rule: " + decision);
              }
              if (s.writer.closing()) {
                // Closed while the route was asked (an edge node asks the core over the cluster):
                // subscribing now would attach a dead connection to the topic for good.
                return Future.<Void>succeededFuture();
              }
              HistoryJoin.Ask ask =
                  joined.rule().options().keepsHistory() ? HistoryJoin.ask(f.payload()) : null;
              if (ask instanceof HistoryJoin.Invalid) {
                // Refused before the channel is opened, as any refused join: an earlier join of
                // the topic stays as it was.
                s.replyError(f.joinRef(), f.ref(), topic, Reasons.INVALID_RECOVER);
                return Future.<Void>succeededFuture();
              }
              if (joined.rule().kind() == ChannelKind.REALTIME) {
                return realtimeToken(s, f, topic)
                    .compose(
                        refused ->
                            // Closed while the token was checked: nothing to attach it to.
                            refused || s.writer.closing()
                                ? Future.<Void>succeededFuture()
                                : joined(
                                    s, f, topic, open(f.joinRef(), topic, joined.rule()), ask));
              }
              return joined(s, f, topic, open(f.joinRef(), topic, joined.rule()), ask);
            })
        .recover(
            err -> {
              // The router did not answer, or answered what this node cannot serve: the client
              // hears it (phoenix.js rejoins with backoff) instead of waiting for a reply.
              s.replyError(f.joinRef(), f.ref(), topic, JOIN_CRASHED);
              return Future.succeededFuture();
            });
  }

  /**
   * A realtime-js join carries the user's {@code access_token}: it must hold for the socket's user
   * (as a refresh), or the join is refused with its reason. True when refused (and answered).
   */
  private Future<Boolean> realtimeToken(Session s, Frame f, String topic) {
    String token;
    try {
      token =
          new JsonObject(f.payload()).getValue("access_token") instanceof String t && !t.isEmpty()
              ? t
              : null;
    } catch (RuntimeException e) {
      token = null; // not an object: the kind's own join check says so
    }
    return tokens
        .adopt(s, token)
        .map(
            reason -> {
              if (reason != null) {
                s.replyError(f.joinRef(), f.ref(), topic, reason);
              }
              return reason != null;
            });
  }

  /**
   * A granted join: the channel replaces any earlier join of the topic, then the client hears ok.
   */
  private Future<Void> joined(
      Session s, Frame f, String topic, JoinedChannel channel, HistoryJoin.Ask ask) {
    JoinedChannel previous = s.joined.put(topic, channel);
    if (previous != null) {
      // Phoenix stops the old channel: what it held goes where it would on a leave.
      previous.behaviour().leave(s, previous);
    }
    // The kind may still refuse (presence: the topic is full); the client hears its reason.
    Future<Void> accepted =
        channel
            .behaviour()
            .join(s, channel, f.payload())
            .recover(
                refusal -> {
                  if (s.joined.remove(topic, channel)) {
                    channel.behaviour().leave(s, channel);
                    if (previous != null) {
                      subscriptions.remove(topic, s.writer);
                    }
                  }
                  s.replyError(f.joinRef(), f.ref(), topic, refusalReason(refusal));
                  return Future.failedFuture(REFUSED);
                });
    if (channel.rule().options().keepsHistory()) {
      return joinedWithHistory(s, f, topic, channel, previous, accepted, ask);
    }
    return accepted
        .compose(v -> subscribe(s, topic, channel, previous))
        .map(
            v -> {
              if (s.joined.get(topic) != channel) {
                // Closed or replaced while the kind or the cluster was asked: nothing to answer.
                return (Void) null;
              }
              s.replyOk(f.joinRef(), f.ref(), topic);
              answered(s, topic, channel, previous, f);
              return (Void) null;
            })
        .recover(err -> err == REFUSED ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /**
   * A granted join of a topic that keeps history: the socket's broadcasts wait while the history is
   * read, then the client hears ok with the stream's position ({@code recovered} too, if it asked),
   * then what it missed, then the broadcasts that waited. See {@link HistoryJoin}.
   */
  private Future<Void> joinedWithHistory(
      Session s,
      Frame f,
      String topic,
      JoinedChannel channel,
      JoinedChannel previous,
      Future<Void> accepted,
      HistoryJoin.Ask ask) {
    ChannelRule.History policy = channel.rule().options().history();
    return accepted
        .compose(
            v -> {
              if (s.joined.get(topic) != channel) {
                return Future.<Void>succeededFuture();
              }
              return subscriptions
                  .addHeld(topic, s.writer)
                  .onFailure(err -> dropChannel(s, topic, channel));
            })
        .compose(
            v ->
                s.joined.get(topic) != channel
                    ? Future.<HistoryJoin>succeededFuture()
                    : HistoryJoin.read(
                            history,
                            topic,
                            policy,
                            ask,
                            config.history().maxReplay(),
                            historyMeters)
                        .onFailure(err -> dropChannel(s, topic, channel)))
        .map(
            join -> {
              if (join == null || s.joined.get(topic) != channel) {
                return (Void) null;
              }
              s.reply(f.joinRef(), f.ref(), topic, Events.STATUS_OK, join.response());
              if (!subscriptions.release(
                  topic, s.writer, join.replay(), join.head().epoch(), join.head().offset())) {
                // More broadcasts came in than a join may hold: phoenix.js rejoins, and recovers.
                dropChannel(s, topic, channel);
                s.send(f.joinRef(), f.joinRef(), topic, Events.ERROR, CHANNEL_CRASH);
                return (Void) null;
              }
              answered(s, topic, channel, previous, f);
              return (Void) null;
            })
        .recover(
            err -> {
              if (err == REFUSED) {
                return Future.succeededFuture();
              }
              // Not subscribed after all (dropped above): the client hears it and rejoins.
              if (s.joined.get(topic) == channel || !s.joined.containsKey(topic)) {
                s.replyError(f.joinRef(), f.ref(), topic, Reasons.HISTORY_UNAVAILABLE);
              }
              return Future.succeededFuture();
            });
  }

  /** The channel is not the socket's after all: what it held goes on, and it gets nothing more. */
  private void dropChannel(Session s, String topic, JoinedChannel channel) {
    if (s.joined.remove(topic, channel)) {
      channel.behaviour().leave(s, channel);
    }
    subscriptions.remove(topic, s.writer);
  }

  /** After a join's ok: the old channel's close, then the kind's own follow-ups (presence). */
  private static void answered(
      Session s, String topic, JoinedChannel channel, JoinedChannel previous, Frame f) {
    if (previous != null && !previous.joinRef().equals(f.joinRef())) {
      // The client learns the old channel is gone through phx_close on its join_ref.
      s.send(previous.joinRef(), previous.joinRef(), topic, Events.CLOSE, Session.EMPTY_OBJECT);
    }
    channel.behaviour().joined(s, channel);
  }

  /**
   * Subscribes the socket to the topic's broadcasts, unless the channel was closed or replaced
   * while the kind was asked, or it is a rejoin (which keeps the subscription it had).
   */
  private Future<Void> subscribe(
      Session s, String topic, JoinedChannel channel, JoinedChannel previous) {
    if (s.joined.get(topic) != channel || previous != null) {
      return Future.succeededFuture();
    }
    return subscriptions
        .add(topic, s.writer)
        .onFailure(
            err -> {
              // The cluster did not take the registration: the channel is not there after all.
              if (s.joined.remove(topic, channel)) {
                channel.behaviour().leave(s, channel);
              }
              subscriptions.remove(topic, s.writer);
            });
  }

  /** A kind's refusal, already answered. */
  private static final Exception REFUSED =
      new Exception("refused by the channel kind", null, false, false) {};

  private static String refusalReason(Throwable refusal) {
    String reason = refusal.getMessage();
    return reason == null || reason.isEmpty() ? JOIN_CRASHED : reason;
  }

  private static JoinedChannel open(String joinRef, String topic, ChannelRule rule) {
    return new JoinedChannel(joinRef, topic, rule, ChannelKinds.behaviour(rule));
  }

  private Future<Void> leave(Session s, Frame f) {
    JoinedChannel channel = s.joined.get(f.topic());
    if (channel == null) {
      s.replyError(null, f.ref(), f.topic(), Reasons.UNMATCHED_TOPIC);
    } else if (Objects.equals(channel.joinRef(), f.joinRef())) {
      s.joined.remove(f.topic());
      subscriptions.remove(f.topic(), s.writer);
      channel.behaviour().leave(s, channel);
      s.replyOk(channel, f.ref());
      s.send(channel.joinRef(), channel.joinRef(), f.topic(), Events.CLOSE, Session.EMPTY_OBJECT);
    }
    // A stale join_ref belongs to a channel already replaced: dropped, as Phoenix does.
    return Future.succeededFuture();
  }

  private Future<Void> push(Session s, Frame f, JoinedChannel channel) {
    if (channel == null) {
      s.replyError(null, f.ref(), f.topic(), Reasons.UNMATCHED_TOPIC);
      return Future.succeededFuture();
    }
    if (!Objects.equals(channel.joinRef(), f.joinRef())) {
      return Future.succeededFuture();
    }
    return channel.behaviour().handleIn(s, channel, f);
  }

  /**
   * A client event the channel's kind routes: decided here, or by the core over the event bus, and
   * answered.
   */
  Future<Void> route(Session s, JoinedChannel channel, Frame f) {
    if (localRouter != null) {
      // Decided and published right here, on this socket's event loop: pushes from one read are
      // broadcast back to back, and their frames share the flushes that follow.
      answer(
          s,
          channel,
          f,
          localRouter.push(channel.rule(), f.topic(), f.event(), s.user, f.payload(), f.binary()));
      return Future.succeededFuture();
    }
    JsonObject request = RouteMessages.push(f.topic(), f.event(), s.user, f.payload(), f.binary());
    return bus.<JsonObject>request(Addresses.ROUTE_PUSH, request, routeOptions)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                answer(s, channel, f, RouteMessages.decode(ar.result().body()));
              } else if (s.joined.get(f.topic()) == channel) {
                // The router failed: the channel is gone for this socket (what it held goes on) and
                // phoenix.js will rejoin it.
                s.joined.remove(f.topic());
                subscriptions.remove(f.topic(), s.writer);
                channel.behaviour().terminate(s, channel);
                s.send(
                    channel.joinRef(), channel.joinRef(), f.topic(), Events.ERROR, CHANNEL_CRASH);
              }
              return Future.succeededFuture();
            });
  }

  private static void answer(Session s, JoinedChannel channel, Frame f, RouteDecision decision) {
    if (decision instanceof RouteDecision.Rejected r) {
      s.replyError(channel, f.ref(), r.reason());
    } else if (decision instanceof RouteDecision.Published p) {
      // The ok waits for the history (the socket's next message does not): it carries the
      // broadcast's position (a repeat's: the first one's, and duplicate), and a push that could
      // not be kept is an error, never an ok.
      p.outcome()
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  s.reply(
                      channel,
                      f.ref(),
                      Events.STATUS_OK,
                      RouteMessages.outcome(ar.result()).toBuffer());
                } else {
                  s.replyError(channel, f.ref(), RouteMessages.unpublishedReason(ar.cause()));
                }
              });
    } else {
      s.replyOk(channel, f.ref());
    }
  }

  /** The socket closed: its channels end, and what they held goes on. */
  void terminate(Session s) {
    s.joined.forEach(
        (topic, channel) -> {
          subscriptions.remove(topic, s.writer);
          channel.behaviour().terminate(s, channel);
        });
    s.joined.clear();
  }

  private static String truncate(String reason) {
    // A close reason must fit in a control frame (123 bytes).
    return reason.length() > 100 ? reason.substring(0, 100) : reason;
  }
}
