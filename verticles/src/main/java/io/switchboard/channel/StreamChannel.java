package io.switchboard.channel;

import io.switchboard.limits.ByteBudget;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Frame;
import io.switchboard.protocol.Reasons;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code stream}: {@code data {"value": v}} fills a buffer this socket keeps for the channel,
 * bounded by the rule's {@code streamBufferMax} values and, over all the socket's channels, by its
 * {@link ChannelSession#bufferBudget()} bytes; {@code flush} hands the values to backends on {@code
 * switchboard.stream} and replies {@code {"count": n}}. At the bound the client gets {@code
 * throttle {"reason": "buffer_full", ...}} and {@code buffer full} replies until it flushes. Served
 * on the socket's event loop: nothing is routed, and a leave or close hands on what is buffered.
 */
final class StreamChannel implements ChannelBehaviour {

  /** One socket's buffer on one stream channel. */
  private static final class Buffered {
    JsonArray values = new JsonArray();
    int bytes;

    /** The byte budget's throttle was sent since the last flush. */
    boolean throttledForBytes;
  }

  /** This socket's buffer on the channel, made on first use. */
  private static Buffered buffered(JoinedChannel channel) {
    Buffered buffered = (Buffered) channel.state();
    if (buffered == null) {
      buffered = new Buffered();
      channel.state(buffered);
    }
    return buffered;
  }

  @Override
  public Future<Void> handleIn(ChannelSession session, JoinedChannel channel, Frame push) {
    Buffered buffered = buffered(channel);
    if (Events.STREAM_FLUSH.equals(push.event())) {
      int count = buffered.values.size();
      handOn(session, channel, buffered);
      buffered.throttledForBytes = false; // a later refusal says so again
      session.reply(
          channel, push.ref(), Events.STATUS_OK, new JsonObject().put("count", count).toBuffer());
    } else if (Events.STREAM_DATA.equals(push.event())) {
      data(session, channel, buffered, push);
    } else {
      session.replyError(channel, push.ref(), Reasons.EVENT_NOT_ALLOWED);
    }
    return Future.succeededFuture();
  }

  private static void data(
      ChannelSession session, JoinedChannel channel, Buffered buffered, Frame push) {
    Object value = push.binary() ? null : valueOf(push);
    if (value == null) {
      session.replyError(
          channel, push.ref(), Reasons.INVALID_PAYLOAD + ": data needs {\"value\": ...}");
      return;
    }
    int max = channel.rule().options().streamBufferMax();
    ByteBudget budget = session.bufferBudget();
    int bytes = push.payload().length();
    boolean countFull = buffered.values.size() >= max;
    if (countFull || !budget.tryTake(bytes)) {
      session.replyError(channel, push.ref(), Reasons.BUFFER_FULL);
      if (!countFull && !buffered.throttledForBytes) {
        // The socket's byte budget ran out first (the count bound throttles when it is reached):
        // say so once.
        buffered.throttledForBytes = true;
        session.throttle(
            channel,
            Reasons.THROTTLE_BUFFER_FULL,
            new JsonObject()
                .put("buffered", buffered.values.size())
                .put("max", max)
                .put("buffered_bytes", budget.used())
                .put("max_bytes", budget.max()));
      }
      return;
    }
    buffered.values.add(value);
    buffered.bytes += bytes;
    session.replyOk(channel, push.ref());
    if (buffered.values.size() == max) {
      session.throttle(
          channel,
          Reasons.THROTTLE_BUFFER_FULL,
          new JsonObject().put("buffered", buffered.values.size()).put("max", max));
    }
  }

  private static Object valueOf(Frame push) {
    try {
      return new JsonObject(push.payload()).getValue("value");
    } catch (DecodeException e) {
      return null;
    }
  }

  @Override
  public void leave(ChannelSession session, JoinedChannel channel) {
    handOn(session, channel, buffered(channel));
  }

  /** The buffered values, if any, to backends; the buffer and its bytes are free again. */
  private static void handOn(ChannelSession session, JoinedChannel channel, Buffered buffered) {
    if (buffered.values.isEmpty()) {
      return;
    }
    session.services().stream(
        new JsonObject()
            .put("topic", channel.topic())
            .put("user", session.user().userId())
            .put("values", buffered.values));
    session.bufferBudget().release(buffered.bytes);
    buffered.values = new JsonArray();
    buffered.bytes = 0;
  }
}
