package io.switchboard.channel;

import io.switchboard.protocol.Frame;
import io.switchboard.protocol.Reasons;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * What one kind of channel does, as {@code Phoenix.Channel}'s callbacks: join, handle a client
 * event, handle a backend publish, leave, terminate. The socket's protocol table keeps the protocol
 * table (heartbeat, join, leave, duplicate join, stale join_ref); everything a kind does
 * differently lives in its class.
 *
 * <p>Behaviours are stateless and shared: one per kind ({@link ChannelKinds}). What a kind keeps
 * for one joined socket lives in {@link JoinedChannel#state()}, on that socket's event loop.
 *
 * <p>Two sides call it. The <em>socket side</em> ({@link #joined}, {@link #handleIn}, {@link
 * #leave}, {@link #terminate}) runs on the socket's event loop. The <em>routing side</em> ({@link
 * #accept}, {@link #handlePublish}) runs where the routing role runs: in-process on an all-in-one
 * node, on a core node for an edge node's sockets. Neither side may block.
 */
public interface ChannelBehaviour {

  /**
   * Socket side: the router granted the join; before the client hears ok, the kind may still refuse
   * it. A failed future's message is the reason the client gets in its error reply. The channel is
   * already the socket's, so a close meanwhile reaches {@link #terminate}.
   *
   * @param params the join's payload, a JSON object's text
   */
  default Future<Void> join(ChannelSession session, JoinedChannel channel, Buffer params) {
    return Future.succeededFuture();
  }

  /** Socket side: the join was granted and answered ok. */
  default void joined(ChannelSession session, JoinedChannel channel) {}

  /**
   * Socket side: a client event on a joined channel (never a heartbeat, join or leave; its join_ref
   * is the channel's). Completes when the socket may handle its next message. Most kinds route it:
   * the router checks the rule's allowed events and calls {@link #accept}, and the client gets the
   * decision as its reply.
   */
  default Future<Void> handleIn(ChannelSession session, JoinedChannel channel, Frame push) {
    return session.route(channel, push);
  }

  /**
   * Routing side: a client event the rule allows, from a socket joined to the topic. Carry it out,
   * or say why not.
   */
  default RouteDecision accept(ChannelServices services, ClientEvent event) {
    return new RouteDecision.Rejected(Reasons.PUSH_NOT_ALLOWED);
  }

  /**
   * Routing side: a backend publish on a topic of this kind. Broadcast to every subscriber unless
   * the kind says otherwise.
   */
  default RouteDecision handlePublish(ChannelServices services, Publication publication) {
    return RouteDecision.published(services.broadcast(publication));
  }

  /**
   * Socket side: the client left the channel, or joined it again (Phoenix stops the old channel).
   * What it holds goes on.
   */
  default void leave(ChannelSession session, JoinedChannel channel) {}

  /** Socket side: the socket closed. By default the same as a leave. */
  default void terminate(ChannelSession session, JoinedChannel channel) {
    leave(session, channel);
  }
}
