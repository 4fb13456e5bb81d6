package io.switchboard.presence;

import io.switchboard.broker.EncodedFrame;
import io.switchboard.channel.ChannelPresence;
import io.switchboard.channel.ChannelSession;
import io.switchboard.channel.JoinedChannel;
import io.switchboard.concurrent.Contexts;
import io.switchboard.config.PresenceMode;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Reasons;
import io.switchboard.transport.BroadcastFramer;
import io.switchboard.transport.PreparedFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One event loop's side of the node's presence: its sockets' tracked presences and the write lists
 * their diffs go to. The tracker encodes a diff once; this prepares it once for the loop and writes
 * the same bytes to each subscriber. Touched only on its loop.
 */
public final class LoopPresence implements ChannelPresence {
  private static final String ONLINE_AT = "online_at";

  private final Context context;
  private final PresenceTracker tracker;
  private final BroadcastFramer framer;
  private final SwitchboardMeters meters;

  /** Tracked channels of this loop's sockets. */
  private final Map<JoinedChannel, Member> members = new IdentityHashMap<>();

  /** topic → members that have their state and get the diffs. */
  private final Map<String, Set<Member>> subscribers = new HashMap<>();

  /** One socket's presence on one topic. */
  static final class Member {
    final ChannelSession session;
    final JoinedChannel channel;

    /** What is tracked; null for a realtime-js socket that only listens (or untracked). */
    PresenceEntry entry;

    boolean subscribing;
    boolean gone;

    Member(ChannelSession session, JoinedChannel channel, PresenceEntry entry) {
      this.session = session;
      this.channel = channel;
      this.entry = entry;
    }
  }

  public LoopPresence(
      Context context, PresenceTracker tracker, BroadcastFramer framer, SwitchboardMeters meters) {
    this.context = context;
    this.tracker = tracker;
    this.framer = framer;
    this.meters = meters;
  }

  @Override
  public Future<Void> track(ChannelSession session, JoinedChannel channel, JsonObject meta) {
    JsonObject full = withOnlineAt(System.currentTimeMillis(), meta);
    String refused = refusal(full);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    String ref = tracker.newRef();
    Member m =
        new Member(
            session,
            channel,
            new PresenceEntry(
                ref,
                channel.topic(),
                session.user().userId(),
                tracker.selfNode(),
                ref,
                null,
                full));
    members.put(channel, m);
    return on(tracker.track(m.entry))
        .onFailure(
            err -> {
              if (members.get(channel) == m) {
                members.remove(channel);
                m.gone = true;
              }
            });
  }

  @Override
  public void listen(ChannelSession session, JoinedChannel channel) {
    Member m = members.computeIfAbsent(channel, c -> new Member(session, c, null));
    if (m.subscribing) {
      return;
    }
    m.subscribing = true;
    tracker.subscribe(channel.topic(), PresenceMode.LIST, this, m);
  }

  @Override
  public Future<Void> trackAs(
      ChannelSession session, JoinedChannel channel, String key, JsonObject meta) {
    String refused = refusal(meta);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    Member m = members.computeIfAbsent(channel, c -> new Member(session, c, null));
    if (m.entry != null) {
      m.entry = m.entry.updated(tracker.newRef(), meta.copy());
      return on(tracker.update(m.entry));
    }
    String ref = tracker.newRef();
    PresenceEntry entry =
        new PresenceEntry(ref, channel.topic(), key, tracker.selfNode(), ref, null, meta.copy());
    m.entry = entry;
    return on(tracker.track(entry))
        .onFailure(
            err -> {
              if (m.entry == entry) {
                m.entry = null;
                if (!m.subscribing && members.get(channel) == m) {
                  members.remove(channel);
                }
              }
            });
  }

  @Override
  public void untrackOnly(ChannelSession session, JoinedChannel channel) {
    Member m = members.get(channel);
    if (m == null || m.entry == null) {
      return;
    }
    String id = m.entry.id();
    m.entry = null;
    if (!m.subscribing) {
      members.remove(channel);
    }
    tracker.untrack(id);
  }

  @Override
  public void subscribe(ChannelSession session, JoinedChannel channel) {
    Member m = members.get(channel);
    if (m == null || m.subscribing) {
      return;
    }
    m.subscribing = true;
    tracker.subscribe(channel.topic(), channel.rule().options().presence(), this, m);
  }

  @Override
  public Future<Void> update(ChannelSession session, JoinedChannel channel, JsonObject meta) {
    Member m = members.get(channel);
    if (m == null || m.entry == null) {
      return Future.failedFuture(Reasons.INVALID_PRESENCE_META);
    }
    JsonObject full = withOnlineAt(m.entry.meta().getValue(ONLINE_AT), meta);
    String refused = refusal(full);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    m.entry = m.entry.updated(tracker.newRef(), full);
    return on(tracker.update(m.entry));
  }

  @Override
  public void untrack(ChannelSession session, JoinedChannel channel) {
    Member m = members.remove(channel);
    if (m == null) {
      return;
    }
    m.gone = true;
    Set<Member> subs = subscribers.get(channel.topic());
    if (subs != null && subs.remove(m) && subs.isEmpty()) {
      subscribers.remove(channel.topic());
    }
    if (m.subscribing) {
      tracker.unsubscribe(channel.topic(), this);
    }
    if (m.entry != null) {
      tracker.untrack(m.entry.id());
    }
  }

  /** From the tracker: the member's state, after which it gets the topic's diffs. */
  void deliverState(Member m, String event, Buffer payload) {
    context.runOnContext(
        v -> {
          if (m.gone) {
            return;
          }
          m.session.push(m.channel, event, payload);
          subscribers.computeIfAbsent(m.channel.topic(), t -> new LinkedHashSet<>()).add(m);
        });
  }

  /** From the tracker: a diff for every subscriber of the topic on this loop. */
  void deliver(String topic, EncodedFrame frame) {
    context.runOnContext(v -> write(topic, frame));
  }

  private void write(String topic, EncodedFrame frame) {
    Set<Member> subs = subscribers.get(topic);
    if (subs == null) {
      return;
    }
    int written = 0;
    PreparedFrame prepared = framer.prepare(frame);
    try {
      for (Member m : subs) {
        if (m.session.writePrepared(prepared)) {
          written++;
        }
      }
    } finally {
      framer.done(prepared);
    }
    meters.sent(written);
    if (written < subs.size()) {
      meters.dropped(subs.size() - written);
    }
  }

  /** Why the meta cannot be tracked, or null. */
  private String refusal(JsonObject full) {
    String reason = null;
    if (full.containsKey("phx_ref") || full.containsKey("phx_ref_prev")) {
      reason = Reasons.INVALID_PRESENCE_META;
    } else if (full.toBuffer().length() > tracker.maxMetaBytes()) {
      reason = Reasons.PRESENCE_META_TOO_LARGE;
    }
    if (reason != null) {
      meters.presenceRefused(reason);
    }
    return reason;
  }

  private static JsonObject withOnlineAt(Object onlineAt, JsonObject meta) {
    return new JsonObject().put(ONLINE_AT, onlineAt).mergeIn(meta);
  }

  /** A tracker result, back on this loop. */
  private <T> Future<T> on(Future<T> future) {
    return Contexts.on(context, future);
  }
}
