package io.switchboard.socket;

import io.vertx.core.Context;
import java.util.ArrayList;

/**
 * Coalesces flushes: frames are written without a flush and every socket written to in this event-loop turn is
 * flushed once, by one task queued behind the work already pending. A flush per write caps a core near 170k
 * deliveries/s; one per socket per turn lets the kernel take many frames in one syscall. One per socket verticle
 * instance; only touched from its event loop.
 */
final class FlushScheduler {
  private final Context context;
  private final ArrayList<Connection> dirty = new ArrayList<>();
  private boolean scheduled;

  FlushScheduler(Context context) {
    this.context = context;
  }

  void markDirty(Connection connection) {
    dirty.add(connection);
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
