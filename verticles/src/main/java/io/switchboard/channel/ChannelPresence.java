package io.switchboard.channel;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Who is on a topic, as a channel that tracks presence sees it (Phoenix's {@code Presence.track},
 * {@code update}, {@code untrack}). One per event loop; every call comes from that loop, with a
 * channel of a socket on it. The node's presence keeps the state in the cluster and sends the
 * Phoenix Presence events.
 */
public interface ChannelPresence {

  /**
   * Tracks the socket on the channel's topic under its user's id, with {@code meta} (merged into
   * {@code {"online_at": ...}}). Fails with the reason the client hears: the topic is full, the
   * meta too large or not allowed.
   */
  Future<Void> track(ChannelSession session, JoinedChannel channel, JsonObject meta);

  /**
   * Sends the socket the topic's {@code presence_state} (or {@code presence_count}) with the
   * channel's join_ref, then every later diff of the topic: none is lost, none repeats what the
   * state held.
   */
  void subscribe(ChannelSession session, JoinedChannel channel);

  /** Replaces the tracked meta: subscribers get one diff (the new meta joins, the old leaves). */
  Future<Void> update(ChannelSession session, JoinedChannel channel, JsonObject meta);

  /** Untracks the socket from the topic now (a leave, a rejoin, a close). */
  void untrack(ChannelSession session, JoinedChannel channel);
}
