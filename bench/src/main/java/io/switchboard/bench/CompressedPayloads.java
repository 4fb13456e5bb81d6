package io.switchboard.bench;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads Switchboard's compressed-payload extension ({@code
 * {"compressed":true,"encoding":"zlib+base64","data":...}}) as a client would. The server sends the
 * same bytes to every subscriber of a broadcast, so the recent ones are remembered (deliveries of
 * consecutive broadcasts interleave across sockets): the generator pays for about one inflate per
 * broadcast, not per delivery, and stays off the critical path. A remembered payload is recognised
 * by its length and last {@value #KEY_BYTES} base64 characters, which hold zlib's Adler-32 of the
 * whole payload (and every payload differs: it carries its own send time and sequence number).
 */
final class CompressedPayloads {
  private static final byte[] MARKER = Frames.bytes("{\"compressed\":true");
  private static final byte[] DATA_KEY = Frames.bytes("\"data\":\"");

  private final Inflater inflater = new Inflater();
  private final byte[] chunk = new byte[16384];
  private static final int KEY_BYTES = 48;
  private static final int REMEMBERED = 32;
  private final byte[][] keys = new byte[REMEMBERED][];
  private final int[] lengths = new int[REMEMBERED];
  private final Buffer[] plains = new Buffer[REMEMBERED];
  private int next;
  long inflated;

  /** The inflated payload if bytes [from, to) hold a compressed payload, else null. */
  Buffer plain(Buffer b, int from, int to) {
    int m = Frames.indexOf(b, MARKER, from, to);
    if (m < 0) {
      return null;
    }
    int d = Frames.indexOf(b, DATA_KEY, m, to);
    if (d < 0) {
      return null;
    }
    int start = d + DATA_KEY.length;
    int end = start;
    while (end < to && b.getByte(end) != '"') {
      end++;
    }
    int keyFrom = Math.max(start, end - KEY_BYTES);
    for (int k = 0; k < REMEMBERED; k++) {
      if (plains[k] != null && lengths[k] == end - start && sameKey(keys[k], b, keyFrom, end)) {
        return plains[k];
      }
    }
    Buffer plain = inflate(Base64.getDecoder().decode(b.getBytes(start, end)));
    keys[next] = b.getBytes(keyFrom, end);
    lengths[next] = end - start;
    plains[next] = plain;
    next = (next + 1) % REMEMBERED;
    return plain;
  }

  private static boolean sameKey(byte[] key, Buffer b, int from, int to) {
    if (key.length != to - from) {
      return false;
    }
    for (int i = key.length - 1; i >= 0; i--) {
      if (b.getByte(from + i) != key[i]) {
        return false;
      }
    }
    return true;
  }

  private Buffer inflate(byte[] zlib) {
    inflater.reset();
    inflater.setInput(zlib);
    ByteArrayOutputStream out = new ByteArrayOutputStream(zlib.length * 4);
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("truncated zlib payload");
        }
        out.write(chunk, 0, n);
      }
    } catch (DataFormatException e) {
      throw new IllegalStateException(
          "not a zlib payload: " + Arrays.toString(Arrays.copyOf(zlib, 8)), e);
    }
    inflated++;
    return Buffer.buffer(out.toByteArray());
  }
}
