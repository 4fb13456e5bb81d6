package io.switchboard.transport;

import io.switchboard.protocol.WireFormat;
import io.vertx.core.buffer.Buffer;

/**
 * The transport seam: how the protocol writes to one client, whatever carries it (a WebSocket
 * today; long-poll later). Writes are not flushed: the transport flushes once per event-loop turn
 * (or after its write delay). Used from the client's event loop only.
 */
public interface FrameWriter {

  /**
   * A frame for this client alone (a reply, phx_close, a throttle). False if the client is closing
   * and it was dropped.
   */
  boolean write(Buffer frame, boolean binary);

  /**
   * A broadcast frame prepared once for every client of this event loop ({@link BroadcastFramer});
   * the bytes are shared, never copied per client. False if the client is closing, or its format
   * cannot carry the frame (binary to V1), and it was dropped.
   */
  boolean writePrepared(PreparedFrame frame);

  /**
   * The format the client reads (V2 until told): {@link #writePrepared} writes broadcasts in it,
   * converted once per broadcast and format ({@link PreparedFrame#bytes}). Frames passed to {@link
   * #write} are already in it. A transport that frames broadcasts itself reads them with {@link
   * PreparedFrame#bytes}.
   */
  default void speak(WireFormat format) {}

  /** Writes out what is pending now. */
  void flush();

  /** Closes with a code the client will reconnect on (never 1000); pending frames go out first. */
  void close(short code, String reason);

  /** Drops the backlog and closes now: the close frame is sent if it fits. */
  void abort(short code, String reason);

  /**
   * Closed or closing, by either side: work still in flight for this client must not attach
   * anything to it.
   */
  boolean closing();
}
