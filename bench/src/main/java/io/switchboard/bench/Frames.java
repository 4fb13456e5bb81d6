package io.switchboard.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The few Phoenix V2 frames the load generator sends, and byte-level peeks at the ones it receives. The receive
 * side is the hot path (hundreds of thousands of frames a second on one core), so it never builds a String or
 * parses JSON: it looks at fixed positions and scans for one key.
 */
final class Frames {
  /** Payload key holding System.nanoTime() at send; first in the payload so the scan stops early. */
  static final byte[] TIME_KEY = bytes("{\"t\":");
  static final byte[] REPLY_EVENT = bytes("\"phx_reply\"");
  static final byte[] STATUS_OK = bytes("\"status\":\"ok\"");
  static final long NOT_OURS = Long.MIN_VALUE;
  static final String HEARTBEAT = "[null,\"hb\",\"phoenix\",\"heartbeat\",{}]";

  private Frames() {
  }

  static String join(String topic) {
    return "[\"1\",\"1\"," + quoteTopic(topic) + ",\"phx_join\",{}]";
  }

  /** {@code ["1","<ref>",topic,"shout",{"t":<nanos>,"s":<seq>,"p":"<padding>"}]}. */
  static String push(String quotedTopic, long ref, long sendNanos, long seq, String padding) {
    return new StringBuilder(64 + padding.length() + quotedTopic.length())
        .append("[\"1\",\"").append(ref).append("\",").append(quotedTopic).append(",\"shout\",{\"t\":")
        .append(sendNanos).append(",\"s\":").append(seq).append(",\"p\":\"").append(padding).append("\"}]")
        .toString();
  }

  /**
   * Padding so the payload object is about {@code payloadBytes} long (within a few bytes: the sequence number
   * grows; never less than the fixed fields).
   */
  static String padding(int payloadBytes) {
    int fixed = ("{\"t\":" + System.nanoTime() + ",\"s\":123456,\"p\":\"\"}").length();
    return "x".repeat(Math.max(0, payloadBytes - fixed));
  }

  static String quoteTopic(String topic) {
    return "\"" + topic + "\"";
  }

  /** {@code [null,null,...]}: a broadcast. Replies start {@code ["1",...} and heartbeat replies {@code [null,"hb"}. */
  static boolean isBroadcast(Buffer b, int from, int to) {
    return to - from > 11 && b.getByte(from + 1) == 'n' && b.getByte(from + 6) == 'n';
  }

  /** The number after {@code {"t":} in a broadcast we sent, or {@link #NOT_OURS}. */
  static long sendNanos(Buffer b, int from, int to) {
    int i = indexOf(b, TIME_KEY, from + 10, to);
    if (i < 0) {
      return NOT_OURS;
    }
    int p = i + TIME_KEY.length;
    boolean neg = p < to && b.getByte(p) == '-';
    if (neg) {
      p++;
    }
    int start = p;
    long v = 0;
    for (; p < to; p++) {
      byte c = b.getByte(p);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    if (p == start) {
      return NOT_OURS;
    }
    return neg ? -v : v;
  }

  /** First index of {@code needle} in bytes [from, to) of {@code b}, or -1. */
  static int indexOf(Buffer b, byte[] needle, int from, int to) {
    int last = to - needle.length;
    byte first = needle[0];
    outer:
    for (int i = Math.max(0, from); i <= last; i++) {
      if (b.getByte(i) != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (b.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
