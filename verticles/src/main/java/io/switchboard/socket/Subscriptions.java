package io.switchboard.socket;

import io.netty.buffer.ByteBuf;
import io.switchboard.api.SubscriberCounts;
import io.switchboard.broker.BroadcastSink;
import io.switchboard.broker.Broker;
import io.switchboard.broker.EncodedFrame;
import io.switchboard.metrics.SwitchboardMeters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One socket verticle instance's topic → local sockets map, and its single sink in the broker. Only the
 * instance's first subscriber of a topic subscribes to the broker and only its last leave unsubscribes, so joins
 * and leaves are local map operations. Touched only from the instance's event loop (no locks); broadcasts from
 * other threads hop onto it.
 */
final class Subscriptions implements BroadcastSink {
  private final Context context;
  private final Broker broker;
  private final SwitchboardMeters meters;
  private final Map<String, Topic> topics = new HashMap<>();
  private final SubscriberCounts counts;
  /** Null when permessage-deflate is off or keeps context: then no socket takes pre-compressed frames. */
  private final SharedDeflater deflater;

  private static final class Topic {
    final Set<Connection> members = new LinkedHashSet<>();
    final Future<Void> ready;
    final String name;

    Topic(String name, Future<Void> ready) {
      this.name = name;
      this.ready = ready;
    }
  }

  Subscriptions(Context context, Broker broker, SwitchboardMeters meters, SubscriberCounts counts,
                SharedDeflater deflater) {
    this.deflater = deflater;
    this.context = context;
    this.broker = broker;
    this.meters = meters;
    this.counts = counts;
  }

  /** Whether broadcasts go pre-compressed to sockets whose deflate keeps no context (see SharedDeflater). */
  boolean deflatesBroadcasts() {
    return deflater != null;
  }

  /** The topic string already held for this topic on this instance (one copy per topic, not per socket). */
  String canonical(String topic) {
    Topic t = topics.get(topic);
    return t == null ? topic : t.name;
  }

  /** Completes when broadcasts published from now on reach {@code connection}. */
  Future<Void> add(String topic, Connection connection) {
    Topic t = topics.get(topic);
    if (t == null) {
      t = new Topic(topic, broker.subscribe(topic, this));
      topics.put(topic, t);
    }
    if (t.members.add(connection)) {
      counts.joined(topic);
    }
    return t.ready;
  }

  void remove(String topic, Connection connection) {
    Topic t = topics.get(topic);
    if (t == null || !t.members.remove(connection)) {
      return;
    }
    counts.left(topic);
    if (t.members.isEmpty()) {
      topics.remove(topic);
      broker.unsubscribe(topic, this);
    }
  }

  @Override
  public void deliver(String topic, EncodedFrame frame) {
    if (Vertx.currentContext() == context) {
      write(topic, frame);
    } else {
      context.runOnContext(v -> write(topic, frame));
    }
  }

  /**
   * Per subscriber only the write: the frame was encoded once by the publisher, and its WebSocket framing (and
   * compression, for deflating sockets) is done once here for all this event loop's subscribers.
   */
  private void write(String topic, EncodedFrame frame) {
    Topic t = topics.get(topic);
    if (t == null) {
      return;
    }
    int written = 0;
    ByteBuf plain = null;
    ByteBuf deflated = null;
    try {
      for (Connection c : t.members) {
        boolean ok;
        if (c.deflatesWithoutContext) { // only ever set when this instance has a deflater
          if (deflated == null) {
            deflated = WireFrames.frame(c.alloc(), byteBuf(deflater.compress(frame.bytes())), frame.binary(), true);
          }
          ok = c.writeFramed(deflated);
        } else {
          if (plain == null) {
            plain = WireFrames.frame(c.alloc(), byteBuf(frame.bytes()), frame.binary(), false);
          }
          ok = c.writeFramed(plain);
        }
        if (ok) {
          written++;
        }
      }
    } finally {
      if (plain != null) {
        plain.release();
      }
      if (deflated != null) {
        deflated.release();
      }
    }
    meters.sent(written);
    if (written < t.members.size()) {
      meters.dropped(t.members.size() - written);
    }
  }

  private static ByteBuf byteBuf(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf();
  }
}
