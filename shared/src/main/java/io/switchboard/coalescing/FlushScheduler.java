package io.switchboard.coalescing;

import io.vertx.core.Context;
import java.util.ArrayList;

/**
 * Coalesces flushes: frames are written without a flush and every socket written to in this event-loop turn is
 * flushed once, by one task queued behind the work already pending. A flush per write caps a core near 170k
 * deliveries/s; one per socket per turn lets the kernel take many frames in one syscall. Switchboard's sockets use
 * it, and so does the bench's bare baseline server, so the two compare servers, not flush strategies. One per
 * event loop; only touched from it.
 */
public final class FlushScheduler {
  /** A socket with writes waiting for a flush. */
  public interface Flushable {
    void flush();
  }

  private final Context context;
  private final ArrayList<Flushable> dirty = new ArrayList<>();
  private boolean scheduled;

  public FlushScheduler(Context context) {
    this.context = context;
  }

  /** Queues {@code socket} for the flush after this turn; the caller marks each socket once until it is flushed. */
  public void markDirty(Flushable socket) {
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
}
