package io.switchboard.socket;

import io.switchboard.broker.BroadcastSink;
import io.switchboard.broker.Broker;
import io.switchboard.broker.EncodedFrame;
import io.switchboard.history.StreamPosition;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.transport.BroadcastFramer;
import io.switchboard.transport.FrameWriter;
import io.switchboard.transport.PreparedFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One socket verticle instance's sink in the broker and its write lists: topic → this event loop's
 * clients of it. Membership itself (counts, the cluster's interest) is the broker's: each join and
 * leave here is one member there. Touched only from the instance's event loop (no locks);
 * broadcasts from other threads hop onto it.
 */
final class Subscriptions implements BroadcastSink {
  private final Context context;
  private final Broker broker;
  private final SwitchboardMeters meters;
  private final BroadcastFramer framer;
  private final Map<String, Topic> topics = new HashMap<>();

  private static final class Topic {
    final Set<FrameWriter> members = new LinkedHashSet<>();
    final String name;

    /**
     * History topics: clients whose join is reading the history; their broadcasts wait here (the
     * shared frames, not copies) until the join's replay is written. Made on the first such join.
     */
    Map<FrameWriter, Held> held;

    /**
     * History topics: released clients whose join's head this loop's broadcasts have not passed yet
     * (a broadcast at or before it can still be on its way here, and the client has it already).
     * Null when none.
     */
    Map<FrameWriter, StreamPosition> catchingUp;

    Topic(String name) {
      this.name = name;
    }
  }

  /** One joining client's waiting broadcasts. */
  private static final class Held {
    final List<EncodedFrame> frames = new ArrayList<>();
    boolean overflowed;
  }

  /** Broadcasts one joining client may have waiting; past it, its join fails over to a rejoin. */
  private final int maxHeld;

  Subscriptions(
      Context context,
      Broker broker,
      SwitchboardMeters meters,
      BroadcastFramer framer,
      int maxHeld) {
    this.context = context;
    this.maxHeld = maxHeld;
    this.broker = broker;
    this.meters = meters;
    this.framer = framer;
  }

  /**
   * The topic string already held for this topic on this instance (one copy per topic, not per
   * socket).
   */
  String canonical(String topic) {
    Topic t = topics.get(topic);
    return t == null ? topic : t.name;
  }

  /** Completes when broadcasts published from now on reach {@code client}. */
  Future<Void> add(String topic, FrameWriter client) {
    Topic t = topics.computeIfAbsent(topic, Topic::new);
    if (!t.members.add(client)) {
      return Future.succeededFuture();
    }
    return broker.subscribe(topic, this);
  }

  /**
   * Like {@link #add}, but the client's broadcasts wait (from now on) until {@link #release}: a
   * join on a topic that keeps history reads the stream's head after this, so every broadcast after
   * the head is waiting or still to come.
   */
  Future<Void> addHeld(String topic, FrameWriter client) {
    Topic t = topics.computeIfAbsent(topic, Topic::new);
    boolean member = t.members.remove(client);
    boolean added = t.held == null || !t.held.containsKey(client);
    if (t.held == null) {
      t.held = new HashMap<>(2);
    }
    t.held.putIfAbsent(client, new Held());
    // A member already (a rejoin) or held already: already a member of the broker's topic.
    return member || !added ? Future.succeededFuture() : broker.subscribe(topic, this);
  }

  /**
   * Writes {@code replay} (a recovering join's missed broadcasts, oldest first), then the
   * broadcasts that waited for the client and come after {@code head}, and makes it a member. False
   * if too many waited (nothing is written; the client is still held, for {@link #remove}).
   */
  boolean release(
      String topic, FrameWriter client, List<EncodedFrame> replay, String epoch, long head) {
    Topic t = topics.get(topic);
    Held h = t == null || t.held == null ? null : t.held.get(client);
    if (h == null || h.overflowed) {
      return false;
    }
    t.held.remove(client);
    if (t.held.isEmpty()) {
      t.held = null;
    }
    for (EncodedFrame frame : replay) {
      writeOne(client, frame);
    }
    for (EncodedFrame frame : h.frames) {
      if (frame.position() == null || frame.position().offset() > head) {
        writeOne(client, frame);
      }
    }
    t.members.add(client);
    if (head > 0) {
      if (t.catchingUp == null) {
        t.catchingUp = new HashMap<>(2);
      }
      t.catchingUp.put(client, new StreamPosition(epoch, head));
    }
    return true;
  }

  /**
   * Whether {@code client} already has this broadcast (it is at or before its join's head); the
   * first broadcast past the head (or of another epoch) ends the check for it.
   */
  private static boolean alreadySent(Topic t, FrameWriter client, StreamPosition p) {
    StreamPosition head = t.catchingUp.get(client);
    if (head == null) {
      return false;
    }
    boolean sent = head.epoch().equals(p.epoch()) && p.offset() <= head.offset();
    if (!sent || p.offset() == head.offset()) {
      t.catchingUp.remove(client);
      if (t.catchingUp.isEmpty()) {
        t.catchingUp = null;
      }
    }
    return sent;
  }

  private void writeOne(FrameWriter client, EncodedFrame frame) {
    PreparedFrame prepared = framer.prepare(frame);
    try {
      if (client.writePrepared(prepared)) {
        meters.sent(1);
      } else {
        meters.dropped(1);
      }
    } finally {
      framer.done(prepared);
    }
  }

  void remove(String topic, FrameWriter client) {
    Topic t = topics.get(topic);
    if (t == null) {
      return;
    }
    if (t.catchingUp != null && t.catchingUp.remove(client) != null && t.catchingUp.isEmpty()) {
      t.catchingUp = null;
    }
    boolean wasHeld = t.held != null && t.held.remove(client) != null;
    if (wasHeld && t.held.isEmpty()) {
      t.held = null;
    }
    if (!t.members.remove(client) && !wasHeld) {
      return;
    }
    if (t.members.isEmpty() && t.held == null) {
      topics.remove(topic);
    }
    broker.unsubscribe(topic, this);
  }

  @Override
  public void deliver(String topic, EncodedFrame frame) {
    if (Vertx.currentContext() == context) {
      write(topic, frame);
    } else {
      context.runOnContext(v -> write(topic, frame));
    }
  }

  private void hold(Topic t, EncodedFrame frame) {
    for (Held h : t.held.values()) {
      if (h.overflowed) {
        continue;
      }
      if (h.frames.size() >= maxHeld) {
        h.overflowed = true;
        h.frames.clear();
      } else {
        h.frames.add(frame);
      }
    }
  }

  /**
   * Per subscriber only the write: the frame was encoded once by the publisher, and its transport
   * framing (and compression, for deflating sockets) is done once here for all this event loop's
   * subscribers.
   */
  private void write(String topic, EncodedFrame frame) {
    Topic t = topics.get(topic);
    if (t == null) {
      return;
    }
    if (t.held != null) {
      hold(t, frame);
    }
    int written = 0;
    int skipped = 0;
    PreparedFrame prepared = framer.prepare(frame);
    Object origin = frame.origin();
    try {
      for (FrameWriter client : t.members) {
        if (client == origin) {
          skipped++; // a realtime-js sender that asked not to hear its own broadcasts
          continue;
        }
        if (t.catchingUp != null
            && frame.position() != null
            && alreadySent(t, client, frame.position())) {
          skipped++; // it has it: replayed, or written while it was held
          continue;
        }
        if (client.writePrepared(prepared)) {
          written++;
        }
      }
    } finally {
      framer.done(prepared);
    }
    meters.sent(written);
    if (written + skipped < t.members.size()) {
      meters.dropped(t.members.size() - written - skipped);
    }
  }
}
