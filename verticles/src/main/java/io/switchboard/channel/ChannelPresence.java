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

  // ---- Supabase realtime-js: tracking is a push of its own, not part of the join ----

  /**
   * Sends the socket the topic's {@code presence_state} and later diffs, tracked or not
   * (realtime-js with {@code config.presence.enabled}). A later {@link #trackAs} does not send the
   * state again.
   */
  default void listen(ChannelSession session, JoinedChannel channel) {
    throw new UnsupportedOperationException("presence without tracking");
  }

  /**
   * Tracks the socket under {@code key} (not its user's id) with exactly {@code meta}, or, when it
   * is tracked already, replaces the meta (one diff, as {@link #update}). Fails with the reason the
   * client hears.
   */
  default Future<Void> trackAs(
      ChannelSession session, JoinedChannel channel, String key, JsonObject meta) {
    return Future.failedFuture("presence by key is not supported here");
  }

  /** Untracks the socket, but keeps sending it the topic's diffs if it {@link #listen}s. */
  default void untrackOnly(ChannelSession session, JoinedChannel channel) {
    untrack(session, channel);
  }
}
