package io.switchboard.socket;

import io.switchboard.broker.BroadcastSink;
import io.switchboard.broker.Broker;
import io.switchboard.broker.EncodedFrame;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.transport.BroadcastFramer;
import io.switchboard.transport.FrameWriter;
import io.switchboard.transport.PreparedFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.LinkedHashSet;
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

    Topic(String name) {
      this.name = name;
    }
  }

  Subscriptions(Context context, Broker broker, SwitchboardMeters meters, BroadcastFramer framer) {
    this.context = context;
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

  void remove(String topic, FrameWriter client) {
    Topic t = topics.get(topic);
    if (t == null || !t.members.remove(client)) {
      return;
    }
    if (t.members.isEmpty()) {
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
    int written = 0;
    PreparedFrame prepared = framer.prepare(frame);
    try {
      for (FrameWriter client : t.members) {
        if (client.writePrepared(prepared)) {
          written++;
        }
      }
    } finally {
      framer.done(prepared);
    }
    meters.sent(written);
    if (written < t.members.size()) {
      meters.dropped(t.members.size() - written);
    }
  }
}
