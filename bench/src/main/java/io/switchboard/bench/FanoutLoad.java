package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The fan-out run itself, entirely on the fleet's event loop: paces pushes, consumes replies,
 * counts and times deliveries. Only pushes sent after the warm-up count, on both sides: a delivery
 * is matched to the measured window by the send time it carries, so nothing straddles the boundary.
 */
final class FanoutLoad {
  private final Vertx vertx;
  private final double ratePerSecond;

  /** The JSON value every push carries under "p" (padding, or typical JSON to compress). */
  private final String body;

  private final String event;

  /**
   * Batched topics deliver several messages per frame: scan the whole frame, not just up to the
   * first.
   */
  private final boolean batched;

  private final CompressedPayloads compressed = new CompressedPayloads();

  /**
   * Subscribers that stop reading (a stuck consumer): not counted, paused for the run, resumed
   * after it.
   */
  final List<BenchSocket> stuck = new ArrayList<>();

  private final int[] subscribersPerTopic;
  private final List<Publisher> publishers = new ArrayList<>();
  private final long serverPid;
  final LatencyReport latency = new LatencyReport();

  long sendStart;
  long measureStart = Long.MAX_VALUE;
  long sendEnd;
  long end;
  boolean sending;
  long published;
  long publishedMeasured;
  long ackedMeasured;
  long errorReplies;
  long expected;
  long received;
  long otherFrames;

  /** Broadcast frames that carried measured messages, and their bytes as they came off the wire. */
  long framesMeasured;

  long wireBytesMeasured;
  long lastDelivery;
  long serverCpu0;
  long serverCpu1;
  long genCpu0;
  long genCpu1;
  long machine0;
  long machine1;
  private long seq;
  private int next;
  private long pacer = -1;

  FanoutLoad(
      Vertx vertx, double ratePerSecond, String event, String body, int topics, long serverPid) {
    this.vertx = vertx;
    this.ratePerSecond = ratePerSecond;
    this.event = event;
    this.body = body;
    this.batched = "add_message".equals(event);
    this.subscribersPerTopic = new int[topics];
    this.serverPid = serverPid;
  }

  final BenchSocket.Receiver subscriber = this::onDelivery;
  final BenchSocket.Receiver publisher = this::onPublisherFrame;

  /**
   * Hot path: one call per delivered frame. No String, no JSON parse. A frame may carry several
   * messages (a {@code batch} event) and its payload may be compressed; every message counts as one
   * delivery.
   */
  private void onDelivery(BenchSocket s, Buffer b, int from, int to) {
    if (!Frames.isBroadcast(b, from, to) || s.attachment == STUCK) {
      if (s.attachment != STUCK) {
        otherFrames++;
      }
      return;
    }
    long measured = record(b, from, to);
    if (measured == NONE) {
      Buffer plain = compressed.plain(b, from, to);
      measured = plain == null ? NONE : record(plain, 0, plain.length());
    }
    if (measured == NONE) {
      otherFrames++;
    } else if (measured > 0) {
      framesMeasured++;
      int len = to - from;
      wireBytesMeasured += len + (len < 126 ? 2 : len < 65536 ? 4 : 10);
    }
  }

  private static final long NONE = -1;
  static final Object STUCK = new Object();

  /**
   * Records every send time in bytes [from, to); returns how many fell in the measured window, or
   * NONE.
   */
  private long record(Buffer b, int from, int to) {
    long found = NONE;
    int i = Frames.indexOf(b, Frames.TIME_KEY, from, to);
    while (i >= 0) {
      int p = i + Frames.TIME_KEY.length;
      long t = Frames.numberAt(b, p, to);
      if (t != Frames.NOT_OURS) {
        found = Math.max(found, 0);
        if (t >= measureStart) {
          long now = System.nanoTime();
          received++;
          lastDelivery = now;
          latency.recordNanos(now - t);
          found++;
        }
      }
      i = batched ? Frames.indexOf(b, Frames.TIME_KEY, p, to) : -1;
    }
    return found;
  }

  /**
   * Publishers consume their replies (that frees window) and ignore the echo of their own
   * broadcasts.
   */
  private void onPublisherFrame(BenchSocket s, Buffer b, int from, int to) {
    if (to - from < 2 || b.getByte(from + 1) == 'n') {
      return; // [null,null,...] echo, or [null,"hb",...] heartbeat reply
    }
    if (Frames.indexOf(b, Frames.REPLY_EVENT, from + 4, to) < 0) {
      otherFrames++; // e.g. a throttle push
      return;
    }
    Publisher p = (Publisher) s.attachment;
    long sentAt = p.ack();
    if (Frames.indexOf(b, Frames.STATUS_OK, from + 4, to) < 0) {
      errorReplies++;
    } else if (sentAt >= measureStart) {
      ackedMeasured++;
      expected += subscribersPerTopic[s.topicIndex];
    }
    if (sending && ratePerSecond <= 0) {
      send(p);
    }
  }

  void addSubscriber(BenchSocket s) {
    subscribersPerTopic[s.topicIndex]++;
  }

  /**
   * A subscriber that stops reading now and is not counted; {@link #resumeStuck} lets it read
   * again.
   */
  void addStuck(BenchSocket s) {
    s.attachment = STUCK;
    stuck.add(s);
    s.wire.pauseReading();
  }

  void resumeStuck() {
    stuck.forEach(s -> s.wire.resumeReading());
  }

  void addPublisher(BenchSocket s, int window) {
    Publisher p = new Publisher(s, window);
    s.attachment = p;
    publishers.add(p);
  }

  /** Starts on the event loop; completes after the measured window and the drain. */
  Future<Void> run(long warmupMillis, long measureMillis, long drainMillis) {
    Promise<Void> done = Promise.promise();
    sendStart = System.nanoTime();
    measureStart = sendStart + warmupMillis * 1_000_000L;
    sendEnd = measureStart + measureMillis * 1_000_000L;
    sending = true;
    vertx.setTimer(
        Math.max(1, warmupMillis),
        t -> {
          serverCpu0 = serverPid > 0 ? ProcStats.cpuNanos(serverPid) : 0;
          genCpu0 = ProcStats.cpuNanos(ProcStats.SELF);
          machine0 = ProcStats.machineBusyNanos();
        });
    if (ratePerSecond <= 0) {
      for (Publisher p : publishers) {
        while (p.hasRoom()) {
          send(p);
        }
      }
    }
    // A 1 ms pacer: Vert.x timers, not sleeps, so the same loop keeps reading.
    pacer = vertx.setPeriodic(1, id -> pace());
    vertx.setTimer(
        warmupMillis + measureMillis,
        t -> {
          sending = false;
          vertx.cancelTimer(pacer);
          long drainDeadline = System.nanoTime() + drainMillis * 1_000_000L;
          vertx.setPeriodic(
              10,
              id -> {
                boolean idle =
                    publishers.stream().allMatch(p -> p.inflight() == 0 || p.socket.closed);
                if ((idle && received >= expected) || System.nanoTime() > drainDeadline) {
                  vertx.cancelTimer(id);
                  serverCpu1 = serverPid > 0 ? ProcStats.cpuNanos(serverPid) : 0;
                  genCpu1 = ProcStats.cpuNanos(ProcStats.SELF);
                  machine1 = ProcStats.machineBusyNanos();
                  end = Math.max(sendEnd, lastDelivery);
                  done.complete();
                }
              });
        });
    return done.future();
  }

  private void pace() {
    if (!sending || ratePerSecond <= 0) {
      return;
    }
    long due = (long) ((System.nanoTime() - sendStart) * ratePerSecond / 1e9) - published;
    // Bounded by the windows: when every publisher is full we are behind schedule (reported as
    // achieved rate).
    while (due > 0 && sendAny()) {
      due--;
    }
  }

  private boolean sendAny() {
    for (int i = 0, n = publishers.size(); i < n; i++) {
      Publisher p = publishers.get(next);
      next = next + 1 == n ? 0 : next + 1;
      if (p.hasRoom()) {
        send(p);
        return true;
      }
    }
    return false;
  }

  private void send(Publisher p) {
    if (!p.hasRoom()) {
      return;
    }
    long now = System.nanoTime();
    p.sent(now);
    p.socket.send(Frames.push(p.quotedTopic, event, ++p.ref, now, ++seq, body));
    published++;
    if (now >= measureStart) {
      publishedMeasured++;
    }
  }

  long unacked() {
    return publishers.stream().mapToLong(Publisher::inflight).sum();
  }

  long inflatedPayloads() {
    return compressed.inflated;
  }

  double measuredSeconds() {
    return (end - measureStart) / 1e9;
  }
}
