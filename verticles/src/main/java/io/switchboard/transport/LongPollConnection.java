package io.switchboard.transport;

import io.switchboard.coalescing.FlushScheduler;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.WireFormat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One phoenix.js {@code LongPoll} client as a {@link FrameWriter}: frames wait in a bounded queue
 * until the client's next poll takes them, instead of being written to a socket. Protocol state
 * lives in the socket package's session, as for a WebSocket. Lives on one event loop, no locks.
 *
 * <p>At most one poll is held at a time: a second one answers the first with no frames. A held poll
 * is answered once the frames written in the current event-loop turn (or the write delay) are in,
 * so a burst goes out in one answer; otherwise after the window, empty.
 *
 * <p>Binary frames (V2 binary pushes and broadcasts) are not delivered: phoenix.js's {@code
 * LongPoll} cannot decode them. They are counted as dropped. Clients may still POST binary frames.
 *
 * <p>More than {@code maxQueued} frames waiting closes the client as a slow consumer, as a
 * WebSocket whose outbound bytes pass their bound. A close answers the held poll with what is
 * queued (or keeps it for the next poll); an abort drops it. Either way the session is gone for the
 * poll after that, which phoenix.js answers by connecting again.
 */
public final class LongPollConnection implements FrameWriter, FlushScheduler.Flushable {

  /** A frame waiting for a poll: the JSON text frame (binary ones never queue, see enqueue). */
  public record Queued(Buffer bytes, boolean binary) {}

  /**
   * What a poll gets: frames (none when its window passed), or {@code gone} when the session was
   * closed and nothing is left for it.
   */
  public record Polled(List<Queued> frames, boolean gone) {
    static final Polled GONE = new Polled(List.of(), true);
    static final Polled EMPTY = new Polled(List.of(), false);
  }

  /** Inbound frames waiting to be handled beyond which a POST is refused (two full batches). */
  static final int MAX_PENDING_INBOUND = 200;

  private final Vertx vertx;
  private final FlushScheduler flusher;
  private final SwitchboardMeters meters;
  private final int maxQueued;
  private WireFormat format = WireFormat.V2;
  private ArrayList<Queued> queue = new ArrayList<>();
  private Consumer<Polled> held;
  private long heldTimer = -1;
  private long lastPollMillis;
  private boolean flushPending;
  private boolean closing;

  /** Nothing more for any poll: the session is over for this client. */
  private boolean finished;

  private Runnable onClose;

  /** {@code onClose} ran: the session's channels are left. */
  private boolean ended;

  /** The server's close of this client is counted (once, whichever way it came). */
  private boolean closeCounted;

  private Runnable onFinished;
  private Function<Inbound, Future<Void>> handler;
  private Future<Void> inboundTail = Future.succeededFuture();
  private int pendingInbound;

  public LongPollConnection(
      Vertx vertx, FlushScheduler flusher, SwitchboardMeters meters, int maxQueued) {
    this.vertx = vertx;
    this.flusher = flusher;
    this.meters = meters;
    this.maxQueued = maxQueued;
    this.lastPollMillis = System.currentTimeMillis();
  }

  /**
   * {@code onClose} runs once when the client is closed (its channels must be left now); {@code
   * onFinished} once when no poll will get anything more (forget the session). Set before use.
   */
  public void onClose(Runnable onClose, Runnable onFinished) {
    this.onClose = onClose;
    this.onFinished = onFinished;
  }

  /**
   * Where received frames go, one at a time, in order: the next once the last one's future ends.
   */
  public void onMessage(Function<Inbound, Future<Void>> handler) {
    this.handler = handler;
  }

  // ---- polls ----

  /**
   * A poll: answered at once if frames wait (or the session is over), else held up to {@code
   * windowMs}. {@code answer} is called exactly once, on this event loop.
   */
  public void poll(long windowMs, Consumer<Polled> answer) {
    lastPollMillis = System.currentTimeMillis();
    answerHeld(Polled.EMPTY); // only one poll at a time: the newer one takes over
    if (finished) {
      answer.accept(Polled.GONE);
      return;
    }
    if (!queue.isEmpty()) {
      answer.accept(take());
      return;
    }
    if (closing) {
      finish();
      answer.accept(Polled.GONE);
      return;
    }
    held = answer;
    heldTimer = vertx.setTimer(windowMs, id -> answerHeld(Polled.EMPTY));
  }

  /**
   * No poll held and none for {@code idleMillis}: phoenix.js polls again at once, so it is gone.
   */
  public boolean idleFor(long idleMillis, long nowMillis) {
    return held == null && nowMillis - lastPollMillis > idleMillis;
  }

  private Polled take() {
    Polled p = new Polled(queue, false);
    queue = new ArrayList<>();
    if (closing) {
      finish(); // the last answer: the next poll is told the session is gone
    }
    return p;
  }

  private void answerHeld(Polled p) {
    Consumer<Polled> answer = held;
    if (answer == null) {
      return;
    }
    held = null;
    if (heldTimer >= 0) {
      vertx.cancelTimer(heldTimer);
      heldTimer = -1;
    }
    lastPollMillis = System.currentTimeMillis();
    answer.accept(p);
  }

  private void finish() {
    if (!finished) {
      finished = true;
      closed(); // already, unless a poll took the last frames before a deferred abort ran
      queue = new ArrayList<>(0);
      if (onFinished != null) {
        onFinished.run();
      }
    }
  }

  // ---- inbound ----

  /**
   * The frames of one POST, handled after those of earlier POSTs, one at a time. The future
   * completes once they all are; it fails, with nothing taken, when {@value #MAX_PENDING_INBOUND}
   * would wait or the client is closing.
   */
  public Future<Void> receive(List<Object> frames) {
    if (closing) {
      meters.dropped(frames.size());
      return Future.failedFuture("closed");
    }
    if (pendingInbound + frames.size() > MAX_PENDING_INBOUND) {
      return Future.failedFuture("too many frames waiting");
    }
    pendingInbound += frames.size();
    long receivedNanos =
        System.nanoTime(); // the handling-time meter starts at receipt, as on a socket
    Future<Void> tail = inboundTail;
    for (Object data : frames) {
      tail =
          tail.transform(
              previous -> {
                pendingInbound--;
                if (closing) {
                  meters.dropped(1);
                  return Future.succeededFuture();
                }
                return handler
                    .apply(new Inbound(data, receivedNanos))
                    .recover(err -> Future.succeededFuture());
              });
    }
    inboundTail = tail;
    return tail;
  }

  // ---- outbound ----

  @Override
  public boolean write(Buffer frame, boolean binary) {
    return enqueue(new Queued(frame, binary));
  }

  @Override
  public void speak(WireFormat format) {
    this.format = format;
  }

  /**
   * The broadcast's bytes in this client's format, shared with every other client of it; never
   * copied.
   */
  @Override
  public boolean writePrepared(PreparedFrame frame) {
    Buffer bytes = frame.bytes(format);
    if (bytes == null) {
      meters.dropped(1); // a binary broadcast to a V1 client: V1 has no binary frames
      return !closing;
    }
    return enqueue(new Queued(bytes, frame.binary()));
  }

  private boolean enqueue(Queued q) {
    if (closing) {
      meters.dropped(1);
      return false;
    }
    if (q.binary()) {
      // phoenix.js's LongPoll JSON-parses every message it polls (a binary one would throw in the
      // app; Phoenix itself fails the poll): binary frames are left out, and counted.
      meters.dropped(1);
      return true;
    }
    if (queue.size() >= maxQueued) {
      meters.dropped(1);
      closing = true;
      countClose(CloseCodes.SLOW_CONSUMER);
      // Deferred: we may be inside a broadcast's fan-out, and the close changes topic member sets.
      vertx.runOnContext(v -> forceAbort());
      return false;
    }
    queue.add(q);
    if (held != null && !flushPending) {
      flushPending = true;
      flusher.markDirty(this);
    }
    return true;
  }

  /** Hands what is queued to the held poll, once per event-loop turn (or write delay). */
  @Override
  public void flush() {
    flushPending = false;
    if (held != null && !queue.isEmpty()) {
      answerHeld(take());
    }
  }

  @Override
  public boolean closing() {
    return closing;
  }

  /**
   * Queued frames stay for the held poll, or the next one; then the session is gone. The code is
   * counted; long-poll has no close frame to carry it or the reason to the client.
   */
  @Override
  public void close(short code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    countClose(code);
    closed();
    if (held != null) {
      answerHeld(queue.isEmpty() ? goneNow() : take());
    } else if (queue.isEmpty()) {
      finish();
    }
  }

  @Override
  public void abort(short code, String reason) {
    closing = true;
    countClose(code);
    forceAbort();
  }

  /**
   * Leaves the channels now and drops the backlog: the next poll (or the held one) is told gone.
   */
  private void forceAbort() {
    closed();
    if (finished) {
      return;
    }
    meters.dropped(queue.size());
    queue.clear();
    if (held != null) {
      answerHeld(goneNow());
    } else {
      finish();
    }
  }

  private Polled goneNow() {
    finish();
    return Polled.GONE;
  }

  private void countClose(short code) {
    if (!closeCounted) {
      closeCounted = true;
      meters.serverClosed(code);
    }
  }

  /** The client is gone: runs {@code onClose} once. */
  private void closed() {
    if (ended) {
      return;
    }
    ended = true;
    if (onClose != null) {
      onClose.run();
    }
  }
}
