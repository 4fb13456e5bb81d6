package io.switchboard.transport;

import io.vertx.core.buffer.Buffer;
import java.util.zip.Deflater;

/**
 * permessage-deflate once per broadcast, not once per subscriber: a message compressed from a fresh
 * context is the same bytes for every socket whose server side keeps no context ({@link
 * NoContextDeflate}), so each socket verticle instance compresses a broadcast once and writes the
 * result, marked RSV1, to all its deflating sockets (Netty's per-socket encoder passes frames that
 * already carry RSV1). RFC 7692 §7.2.1: raw DEFLATE, sync flush, the trailing 00 00 FF FF removed.
 * One per instance, used on its event loop only (the Deflater is not shareable).
 */
final class SharedDeflater {
  private static final int TAIL = 4;
  private final Deflater deflater;
  private byte[] out = new byte[8192];

  SharedDeflater(int level) {
    this.deflater = new Deflater(level, true);
  }

  Buffer compress(Buffer message) {
    deflater.reset();
    deflater.setInput(message.getBytes());
    int n = 0;
    while (true) {
      n += deflater.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
      if (n < out.length) {
        break; // SYNC_FLUSH wrote everything it had: output space was left over
      }
      out = java.util.Arrays.copyOf(out, out.length * 2);
    }
    return Buffer.buffer(java.util.Arrays.copyOf(out, n - TAIL));
  }
}
