package io.switchboard.channel;

import io.switchboard.auth.Principal;
import io.switchboard.limits.ByteBudget;
import io.switchboard.protocol.Frame;
import io.switchboard.transport.PreparedFrame;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One socket as its channels see it: who it is, and how to answer it. Implemented by the socket's
 * protocol session over whatever transport carries it; touched only from the socket's event loop.
 */
public interface ChannelSession {

  Principal user();

  /** The node's channel services, as seen from this socket's event loop. */
  ChannelServices services();

  /** The node's presence, as seen from this socket's event loop. */
  ChannelPresence presence();

  /**
   * A broadcast frame prepared once for every client of this event loop, written to this socket
   * (the bytes are shared). False if the socket is closing and it was dropped.
   */
  boolean writePrepared(PreparedFrame frame);

  /**
   * This socket as a broadcast's origin ({@link Publication#withOrigin}): what its broadcasts are
   * written through, compared by identity.
   */
  default Object broadcastTarget() {
    return this;
  }

  /** Bytes this socket's channels may buffer between them ({@code limits.maxStreamBufferBytes}). */
  ByteBudget bufferBudget();

  /** {@code [join_ref, ref, topic, "phx_reply", {"status", "response"}]} to this socket. */
  void reply(JoinedChannel channel, String ref, String status, Buffer response);

  void replyOk(JoinedChannel channel, String ref);

  void replyError(JoinedChannel channel, String ref, String reason);

  /**
   * {@code [join_ref, null, topic, event, payload]} to this socket only (Phoenix's {@code push/3}).
   */
  void push(JoinedChannel channel, String event, Buffer payload);

  /**
   * The {@code throttle} event to this socket, counted by reason; {@code details} gets the reason
   * added.
   */
  void throttle(JoinedChannel channel, String reason, JsonObject details);

  /**
   * Asks routing to decide and carry out a client event, and answers the client with the decision.
   */
  Future<Void> route(JoinedChannel channel, Frame push);
}
