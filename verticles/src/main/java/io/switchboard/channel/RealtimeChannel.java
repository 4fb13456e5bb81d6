package io.switchboard.channel;

import io.switchboard.protocol.Events;
import io.switchboard.protocol.Frame;
import io.switchboard.protocol.Reasons;
import io.switchboard.protocol.V2JsonCodec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * {@code realtime}: Supabase realtime-js's Broadcast and Presence, as its server's channel handlers
 * answer them (supabase/realtime {@code realtime_channel/broadcast_handler.ex}, {@code
 * presence_handler.ex}). See docs/REALTIME.md.
 *
 * <ul>
 *   <li>{@code broadcast {"type": "broadcast", "event", "payload"}} goes to every subscriber as
 *       {@code [null, null, topic, "broadcast", <that payload>]}, to the sender too only with
 *       {@code config.broadcast.self}; with {@code config.broadcast.ack} it is answered ok once
 *       published, without it not at all (as Supabase: realtime-js resolves at once). A binary
 *       realtime-js broadcast (kind 3, binary payload) is a binary broadcast of its user event.
 *   <li>{@code presence {"type": "presence", "event": "track", "payload": meta}} tracks the socket
 *       under {@code config.presence.key} (a second track replaces the meta), {@code "untrack"}
 *       stops; both answered ok. Sockets that joined with {@code config.presence.enabled} get
 *       {@code presence_state} after the join and every {@code presence_diff}.
 *   <li>A backend publish of event {@code e} reaches realtime-js as the broadcast {@code e}.
 * </ul>
 *
 * Pushes are carried out on the socket's own node, without asking the router: the join was the
 * authorisation, as on Supabase's public channels. The join's {@code access_token} is checked by
 * the socket protocol, as a refresh.
 */
final class RealtimeChannel implements ChannelBehaviour {
  static final String TRACK = "track";
  static final String UNTRACK = "untrack";

  @Override
  public Future<Void> join(ChannelSession session, JoinedChannel channel, Buffer params) {
    try {
      channel.state(RealtimeJoin.parse(params));
      return Future.succeededFuture();
    } catch (IllegalArgumentException | ClassCastException e) {
      return Future.failedFuture(Reasons.INVALID_PAYLOAD + ": " + e.getMessage());
    }
  }

  @Override
  public void joined(ChannelSession session, JoinedChannel channel) {
    if (config(channel).presenceEnabled()) {
      session.presence().listen(session, channel);
    }
  }

  @Override
  public Future<Void> handleIn(ChannelSession session, JoinedChannel channel, Frame push) {
    if (push.binary()) {
      // realtime-js's kind 3 with a binary payload: a binary broadcast of the user's event.
      return broadcast(session, channel, push, push.event(), push.payload(), true);
    }
    switch (push.event()) {
      case Events.BROADCAST -> {
        JsonObject message = objectOrNull(push.payload());
        if (message == null || !(message.getValue("event") instanceof String)) {
          session.replyError(
              channel, push.ref(), Reasons.INVALID_PAYLOAD + ": broadcast needs a string event");
          return Future.succeededFuture();
        }
        return broadcast(session, channel, push, Events.BROADCAST, push.payload(), false);
      }
      case Events.PRESENCE -> {
        presence(session, channel, push);
        return Future.succeededFuture();
      }
      default -> {
        session.replyError(channel, push.ref(), Reasons.EVENT_NOT_ALLOWED);
        return Future.succeededFuture();
      }
    }
  }

  private static Future<Void> broadcast(
      ChannelSession session,
      JoinedChannel channel,
      Frame push,
      String event,
      Buffer payload,
      boolean binary) {
    RealtimeJoin config = config(channel);
    Publication publication =
        new Publication(channel.rule(), channel.topic(), event, payload, binary);
    if (!config.self()) {
      publication = publication.withOrigin(session.broadcastTarget());
    }
    // The socket's next message waits for nothing; the ack comes when the broadcast is out.
    session
        .services()
        .broadcast(publication)
        .onComplete(
            ar -> {
              if (!config.ack()) {
                return;
              }
              if (ar.succeeded()) {
                session.replyOk(channel, push.ref());
              } else {
                session.replyError(channel, push.ref(), Reasons.HISTORY_UNAVAILABLE);
              }
            });
    return Future.succeededFuture();
  }

  private static void presence(ChannelSession session, JoinedChannel channel, Frame push) {
    JsonObject message = objectOrNull(push.payload());
    Object what = message == null ? null : message.getValue("event");
    if (UNTRACK.equals(what)) {
      session.presence().untrackOnly(session, channel);
      session.replyOk(channel, push.ref());
      return;
    }
    Object meta = TRACK.equals(what) ? message.getValue("payload") : null;
    if (meta == null && TRACK.equals(what)) {
      meta = new JsonObject();
    }
    if (!(meta instanceof JsonObject object)) {
      session.replyError(channel, push.ref(), Reasons.INVALID_PRESENCE_META);
      return;
    }
    session
        .presence()
        .trackAs(session, channel, config(channel).presenceKey(), object)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                session.replyOk(channel, push.ref());
              } else {
                session.replyError(channel, push.ref(), ar.cause().getMessage());
              }
            });
  }

  /**
   * A backend's {@code event} with {@code payload}: realtime-js hears it as that broadcast event.
   * Binary ones keep their event (realtime-js gets them as kind 4).
   */
  @Override
  public RouteDecision handlePublish(ChannelServices services, Publication p) {
    if (p.binary()) {
      return RouteDecision.published(services.broadcast(p));
    }
    Buffer wrapped = Buffer.buffer(p.payload().length() + p.event().length() + 48);
    wrapped.appendString("{\"type\":\"broadcast\",\"event\":");
    wrapped.appendString(V2JsonCodec.quote(p.event()));
    wrapped.appendString(",\"payload\":").appendBuffer(p.payload()).appendByte((byte) '}');
    return RouteDecision.published(
        services.broadcast(
            new Publication(
                p.rule(), p.topic(), Events.BROADCAST, wrapped, false, p.idempotencyKey())));
  }

  @Override
  public void leave(ChannelSession session, JoinedChannel channel) {
    session.presence().untrack(session, channel);
  }

  private static RealtimeJoin config(JoinedChannel channel) {
    return (RealtimeJoin) channel.state();
  }

  private static JsonObject objectOrNull(Buffer json) {
    try {
      return new JsonObject(json);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
