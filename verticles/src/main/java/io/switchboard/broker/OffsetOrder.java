package io.switchboard.broker;

import io.switchboard.history.HistoryEntry;
import io.switchboard.history.HistorySlice;
import io.switchboard.history.StreamPosition;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One history topic's broadcasts as this node hands them to its sinks: in offset order, each once.
 * Broadcasts published on different nodes can arrive out of order, and one can miss this node
 * altogether (sent before this node's registration reached the publisher: docs/CLUSTER.md,
 * "registration window"); either way the later ones wait here until the missing offset arrives or
 * is read from the history ({@link LocalBroker} asks after {@code history.gapFillMs}). So a
 * subscriber's offsets never skip or repeat, which is what lets a client that remembers the last
 * one recover exactly what it missed.
 *
 * <p>Not thread-safe: the broker calls it under the topic's lock, and {@code out} must be quick
 * (sinks only hop to their event loop).
 */
final class OffsetOrder {
  /** Past this many waiting broadcasts the gap is given up on: it is counted lost and skipped. */
  static final int MAX_HELD = 1000;

  private static final long NOT_STARTED = -1;

  private final String topic;
  private String epoch;
  private long next = NOT_STARTED;
  private final TreeMap<Long, EncodedFrame> held = new TreeMap<>();
  private boolean fillAsked;

  /**
   * The epochs this topic had before, so late broadcasts of a lost stream do not start it again.
   */
  private final LinkedHashSet<String> retired = new LinkedHashSet<>();

  private static final int RETIRED_KEPT = 4;

  OffsetOrder(String topic) {
    this.topic = topic;
  }

  /**
   * Starts from the stream's head as the node subscribed: broadcasts at or before it are not this
   * node's to deliver (joins recover them from the history).
   */
  void start(StreamPosition head, Consumer<EncodedFrame> out) {
    epoch = head.epoch();
    next = head.offset() + 1;
    held.values().removeIf(f -> !f.position().epoch().equals(epoch));
    release(out);
  }

  /**
   * A broadcast arrived: delivered now if it is the next one, kept if it is early, dropped if it
   * was already delivered. Returns the number of broadcasts given up on (lost) to keep the bound.
   */
  int offer(EncodedFrame frame, Consumer<EncodedFrame> out) {
    StreamPosition p = frame.position();
    if (next == NOT_STARTED) {
      hold(frame);
      return 0;
    }
    if (!p.epoch().equals(epoch)) {
      if (retired.contains(p.epoch())) {
        return 0; // a straggler of the stream before
      }
      // The stream was lost and made again: its offsets start over.
      retired.add(epoch);
      if (retired.size() > RETIRED_KEPT) {
        retired.remove(retired.iterator().next());
      }
      epoch = p.epoch();
      next = 1;
      held.clear();
    }
    if (p.offset() < next) {
      return 0;
    }
    hold(frame);
    release(out);
    if (held.size() > MAX_HELD) {
      return skipGap(out);
    }
    return 0;
  }

  private void hold(EncodedFrame frame) {
    held.putIfAbsent(frame.position().offset(), frame);
  }

  private void release(Consumer<EncodedFrame> out) {
    Map.Entry<Long, EncodedFrame> first;
    while ((first = held.firstEntry()) != null && first.getKey() <= next) {
      held.pollFirstEntry();
      if (first.getKey() == next) {
        out.accept(first.getValue());
        next++;
      }
    }
  }

  /** Whether broadcasts wait for a missing one and nobody has asked the history for it yet. */
  boolean needsFill() {
    return next != NOT_STARTED && !held.isEmpty() && !fillAsked;
  }

  /** Marks the fill asked, until {@link #filled} or {@link #fillFailed}. */
  void askFill() {
    fillAsked = true;
  }

  /** The offset before the first missing one: what a fill reads after. */
  long fillAfter() {
    return next - 1;
  }

  /** How many offsets the fill reads: up to the last waiting one, so every gap is covered. */
  int fillLimit() {
    return held.isEmpty() ? 0 : (int) Math.min(held.lastKey() - next + 1, MAX_HELD + 1);
  }

  /**
   * The history's answer to a fill: the missing broadcasts are delivered, then those that waited.
   * Those the history no longer keeps (older than its oldest entry) are counted lost and skipped;
   * returns that count. A gap the read could not have seen (it opened after the read was asked,
   * past its limit or its head) is not given up on: it waits for its broadcast or the next fill.
   */
  int filled(HistorySlice slice, Consumer<EncodedFrame> out) {
    fillAsked = false;
    if (!slice.head().epoch().equals(epoch)) {
      return 0; // a new stream: its own broadcasts will reset this order
    }
    for (HistoryEntry e : slice.entries()) {
      if (e.offset() >= next) {
        hold(
            EncodedFrame.broadcast(
                topic, e.event(), e.payload(), e.binary(), new StreamPosition(epoch, e.offset())));
      }
    }
    release(out);
    if (held.isEmpty() || next >= slice.firstKept()) {
      return 0;
    }
    long to = Math.min(slice.firstKept(), held.firstKey());
    int lost = (int) (to - next);
    next = to;
    release(out);
    return lost;
  }

  /** A fill failed (the cluster did not answer): a later arrival asks again. */
  void fillFailed() {
    fillAsked = false;
  }

  private int skipGap(Consumer<EncodedFrame> out) {
    long first = held.firstKey();
    int lost = (int) (first - next);
    next = first;
    release(out);
    return lost;
  }
}
