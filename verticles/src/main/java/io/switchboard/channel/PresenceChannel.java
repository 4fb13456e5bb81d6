package io.switchboard.channel;

import io.switchboard.protocol.Events;
import io.switchboard.protocol.Frame;
import io.switchboard.protocol.Reasons;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A channel kind with presence turned on ({@code channels[].presence}): the kind's own behaviour,
 * plus Phoenix Presence. The join tracks the socket (join params {@code {"meta": {...}}}), the ok
 * is followed by {@code presence_state}, {@code presence_update {"meta": {...}}} replaces the meta,
 * and a leave, rejoin or close untracks at once. Presence is a decoration, not a kind, because
 * Phoenix apps track inside the channel that does the real work (a chat room, say).
 */
final class PresenceChannel implements ChannelBehaviour {
  private final ChannelBehaviour kind;

  PresenceChannel(ChannelBehaviour kind) {
    this.kind = kind;
  }

  @Override
  public Future<Void> join(ChannelSession session, JoinedChannel channel, Buffer params) {
    return kind.join(session, channel, params)
        .compose(
            v -> {
              JsonObject meta = metaOf(params);
              return meta == null
                  ? Future.failedFuture(Reasons.INVALID_PRESENCE_META)
                  : session.presence().track(session, channel, meta);
            });
  }

  @Override
  public void joined(ChannelSession session, JoinedChannel channel) {
    kind.joined(session, channel);
    session.presence().subscribe(session, channel);
  }

  @Override
  public Future<Void> handleIn(ChannelSession session, JoinedChannel channel, Frame push) {
    if (!Events.PRESENCE_UPDATE.equals(push.event())) {
      return kind.handleIn(session, channel, push);
    }
    JsonObject meta = push.binary() ? null : metaOf(push.payload());
    if (meta == null) {
      session.replyError(channel, push.ref(), Reasons.INVALID_PRESENCE_META);
      return Future.succeededFuture();
    }
    // The socket's next message waits for nothing: the reply comes when the cluster has it.
    session
        .presence()
        .update(session, channel, meta)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                session.replyOk(channel, push.ref());
              } else {
                session.replyError(channel, push.ref(), ar.cause().getMessage());
              }
            });
    return Future.succeededFuture();
  }

  @Override
  public RouteDecision accept(ChannelServices services, ClientEvent event) {
    return kind.accept(services, event);
  }

  @Override
  public RouteDecision handlePublish(ChannelServices services, Publication publication) {
    return kind.handlePublish(services, publication);
  }

  @Override
  public void leave(ChannelSession session, JoinedChannel channel) {
    session.presence().untrack(session, channel);
    kind.leave(session, channel);
  }

  @Override
  public void terminate(ChannelSession session, JoinedChannel channel) {
    session.presence().untrack(session, channel);
    kind.terminate(session, channel);
  }

  /** The {@code "meta"} object of a join's params or an update's payload; null if not an object. */
  private static JsonObject metaOf(Buffer json) {
    Object meta;
    try {
      meta = new JsonObject(json).getValue("meta");
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
    if (meta == null) {
      return new JsonObject();
    }
    return meta instanceof JsonObject object ? object : null;
  }
}
