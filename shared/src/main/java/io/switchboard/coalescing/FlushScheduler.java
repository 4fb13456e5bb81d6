package io.switchboard.coalescing;

import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * Coalesces flushes: frames are written without a flush and every socket written to in this
 * event-loop turn is flushed once, by one task queued behind the work already pending. A flush per
 * write caps a core near 170k deliveries/s; one per socket per turn lets the kernel take many
 * frames in one syscall. Switchboard's sockets use it, and so does the bench's bare baseline
 * server, so the two compare servers, not flush strategies.
 *
 * <p>With a write delay (Centrifugo's {@code client.write_delay}), a socket is flushed that long
 * after its first unflushed frame instead, so frames arriving meanwhile share its syscall: less CPU
 * per delivery for sockets that get many messages, for at most that much added latency. One per
 * event loop; only touched from it.
 */
public final class FlushScheduler {
  /** A socket with writes waiting for a flush. */
  public interface Flushable {
    void flush();
  }

  private final Context context;
  private final long delayNanos;
  private final ArrayList<Flushable> dirty = new ArrayList<>();
  private boolean scheduled;

  /** With a delay: sockets in the order they became dirty, so their deadlines ascend. */
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

  private boolean timerSet;

  private record Waiting(Flushable socket, long deadlineNanos) {}

  public FlushScheduler(Context context) {
    this(context, 0);
  }

  /** {@code delayMillis} 0 flushes after the current turn. */
  public FlushScheduler(Context context, long delayMillis) {
    if (delayMillis < 0) {
      throw new IllegalArgumentException("write delay must not be negative: " + delayMillis);
    }
    this.context = context;
    this.delayNanos = delayMillis * 1_000_000L;
  }

  /** The write delay this scheduler was made with (0: flush after the current turn). */
  public long delayMillis() {
    return delayNanos / 1_000_000L;
  }

  /** Queues {@code socket} for its flush; the caller marks each socket once until it is flushed. */
  public void markDirty(Flushable socket) {
    if (delayNanos > 0) {
      waiting.add(new Waiting(socket, System.nanoTime() + delayNanos));
      if (!timerSet) {
        setTimer();
      }
      return;
    }
    dirty.add(socket);
    if (!scheduled) {
      scheduled = true;
      context.runOnContext(v -> flushAll());
    }
  }

  private void flushAll() {
    scheduled = false;
    for (int i = 0; i < dirty.size(); i++) {
      dirty.get(i).flush();
    }
    dirty.clear();
  }

  /** One timer per event loop, for the earliest deadline; not one per socket. */
  private void setTimer() {
    long millis =
        Math.max(
            1, (waiting.peekFirst().deadlineNanos() - System.nanoTime() + 999_999) / 1_000_000);
    timerSet = true;
    context.owner().setTimer(millis, id -> flushDue()); // armed on this loop, so it fires here
  }

  private void flushDue() {
    timerSet = false;
    long now = System.nanoTime();
    while (!waiting.isEmpty() && waiting.peekFirst().deadlineNanos() <= now) {
      waiting.pollFirst().socket().flush();
    }
    if (!waiting.isEmpty()) {
      setTimer();
    }
  }
}
