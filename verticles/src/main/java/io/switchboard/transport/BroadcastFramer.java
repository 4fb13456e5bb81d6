package io.switchboard.transport;

import io.switchboard.broker.EncodedFrame;

/**
 * Prepares broadcasts for all the clients of one event loop, one at a time: per client only the
 * write. The one {@link PreparedFrame} is reused for every broadcast (no allocation per broadcast
 * beyond its wire bytes). One per event loop; touched only from it.
 */
public final class BroadcastFramer {
  private final PreparedFrame current;
  private final boolean deflates;

  /**
   * {@code deflateLevel} > 0: broadcasts go pre-compressed to sockets whose deflate keeps no
   * context.
   */
  public BroadcastFramer(int deflateLevel) {
    this.deflates = deflateLevel > 0;
    this.current = new PreparedFrame(deflates ? new SharedDeflater(deflateLevel) : null);
  }

  /**
   * Whether broadcasts go pre-compressed to sockets whose deflate keeps no context (see
   * SharedDeflater).
   */
  public boolean deflatesBroadcasts() {
    return deflates;
  }

  /** The broadcast, ready for this loop's clients; call {@link #done} after its writes. */
  public PreparedFrame prepare(EncodedFrame message) {
    current.reset(message);
    return current;
  }

  /** The broadcast's writes are done: its frames go back to the pool. */
  public void done(PreparedFrame frame) {
    frame.release();
  }
}
