package io.switchboard.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The few Phoenix V2 frames the load generator sends, and byte-level peeks at the ones it receives.
 * The receive side is the hot path (hundreds of thousands of frames a second on one core), so it
 * never builds a String or parses JSON: it looks at fixed positions and scans for one key.
 */
final class Frames {
  /**
   * Payload key holding System.nanoTime() at send; first in the payload so the scan stops early.
   */
  static final byte[] TIME_KEY = bytes("{\"t\":");

  static final byte[] REPLY_EVENT = bytes("\"phx_reply\"");
  static final byte[] STATUS_OK = bytes("\"status\":\"ok\"");
  static final long NOT_OURS = Long.MIN_VALUE;
  static final String HEARTBEAT = "[null,\"hb\",\"phoenix\",\"heartbeat\",{}]";

  private Frames() {}

  static String join(String topic) {
    return "[\"1\",\"1\"," + quoteTopic(topic) + ",\"phx_join\"," + joinParams(topic) + "]";
  }

  /**
   * A realtime-js channel's join on {@code realtime:} topics (Switchboard's {@code realtime} kind):
   * acked broadcasts, so pushes get replies as on Phoenix topics, and not to the sender.
   */
  static final String REALTIME_JOIN = "{\"config\":{\"broadcast\":{\"ack\":true,\"self\":false}}}";

  static final String REALTIME_PREFIX = "realtime:";

  /**
   * What makes a push's payload a realtime-js broadcast {@code {"type", "event", "payload"}}: put
   * after the body, so that the send time stays the payload's first key.
   */
  static final String REALTIME_BODY_SUFFIX = ",\"type\":\"broadcast\",\"event\":\"bench\"";

  private static String joinParams(String topic) {
    return topic.startsWith(REALTIME_PREFIX) ? REALTIME_JOIN : "{}";
  }

  /**
   * {@code ["1","<ref>",topic,event,{"t":<nanos>,"s":<seq>,"p":<body>}]}; {@code body} is a JSON
   * value.
   */
  static String push(
      String quotedTopic, String event, long ref, long sendNanos, long seq, String body) {
    return new StringBuilder(64 + body.length() + quotedTopic.length())
        .append("[\"1\",\"")
        .append(ref)
        .append("\",")
        .append(quotedTopic)
        .append(",\"")
        .append(event)
        .append("\",{\"t\":")
        .append(sendNanos)
        .append(",\"s\":")
        .append(seq)
        .append(",\"p\":")
        .append(body)
        .append("}]")
        .toString();
  }

  /**
   * Padding so the payload object is about {@code payloadBytes} long (within a few bytes: the
   * sequence number grows; never less than the fixed fields).
   */
  static String padding(int payloadBytes) {
    return "x".repeat(Math.max(0, payloadBytes - fixedPayloadBytes()));
  }

  private static int fixedPayloadBytes() {
    return ("{\"t\":" + System.nanoTime() + ",\"s\":123456,\"p\":\"\"}").length();
  }

  private static final String[] WORDS =
      ("the of and to in is you that it he was for on are as with his they at be "
              + "this have from or one had by word but not what all were we when your can said there use an each which she "
              + "do how their if will up other about out many then them these so some her would make like him into time has "
              + "look two more write go see number no way could people my than first water been call who oil its now find "
              + "long down day did get come made may part deploy cluster message channel socket latency order invoice "
              + "shipment price total status pending delivered user account session token region node")
          .split(" ");
  private static final String[] STATUSES = {"online", "away", "busy", "offline"};

  /**
   * A JSON value shaped like a chat app's message page (the objects Slack- or Discord-style APIs
   * send: ids, a user object with an avatar URL, ISO timestamps, flags, a sentence of text), about
   * {@code payloadBytes} long with the fixed fields. Words are drawn with a Zipf-like skew, as in
   * real text; the same seed gives the same page.
   */
  static String typicalJson(int payloadBytes, long seed) {
    java.util.Random r = new java.util.Random(seed);
    int budget = Math.max(2, payloadBytes - fixedPayloadBytes() + 2);
    StringBuilder sb =
        new StringBuilder(budget + 512).append("{\"room_id\":\"room:lobby\",\"messages\":[");
    for (int i = 0; sb.length() < budget - 2; i++) {
      StringBuilder text = new StringBuilder();
      for (int w = 4 + r.nextInt(14); w > 0; w--) {
        double u = r.nextDouble();
        text.append(WORDS[(int) (WORDS.length * u * u)])
            .append(' '); // skewed: "the" ~8% of words, as in English
      }
      int user = r.nextInt(200);
      String m =
          (i > 0 ? "," : "")
              + "{\"id\":\"msg_"
              + (100_000_000 + r.nextInt(900_000_000))
              + "\",\"type\":\"message\""
              + ",\"user\":{\"id\":"
              + user
              + ",\"name\":\"user"
              + user
              + "\",\"avatar_url\":\"https://cdn.example.com/"
              + "avatars/"
              + user
              + "/64.png\",\"status\":\""
              + STATUSES[r.nextInt(STATUSES.length)]
              + "\"}"
              + ",\"sent_at\":\"2026-11-25T16:"
              + (10 + r.nextInt(50))
              + ":"
              + (10 + r.nextInt(50))
              + "."
              + (100 + r.nextInt(900))
              + "Z\",\"edited\":"
              + (r.nextInt(10) == 0)
              + ",\"attachments\":[],\"reactions\":{\"like\":"
              + r.nextInt(20)
              + "},\"text\":\""
              + text.toString().trim()
              + "\"}";
      if (sb.length() + m.length() > budget - 2 && i > 0) {
        break;
      }
      sb.append(m);
    }
    return sb.append("]}").toString();
  }

  static String quoteTopic(String topic) {
    return "\"" + topic + "\"";
  }

  /**
   * {@code [null,null,...]}, or on a topic that keeps history {@code
   * [null,"<epoch>:<offset>",...]}: a broadcast. Replies start {@code ["1",...} and heartbeat
   * replies {@code [null,"hb"} (no ':').
   */
  static boolean isBroadcast(Buffer b, int from, int to) {
    if (to - from <= 11 || b.getByte(from + 1) != 'n') {
      return false;
    }
    if (b.getByte(from + 6) == 'n') {
      return true;
    }
    for (int i = from + 7; i < to && b.getByte(i) != '"'; i++) {
      if (b.getByte(i) == ':') {
        return true;
      }
    }
    return false;
  }

  /** The number after {@code {"t":} in a broadcast we sent, or {@link #NOT_OURS}. */
  static long sendNanos(Buffer b, int from, int to) {
    int i = indexOf(b, TIME_KEY, from + 10, to);
    return i < 0 ? NOT_OURS : numberAt(b, i + TIME_KEY.length, to);
  }

  /**
   * The (possibly negative) integer starting at {@code p}, or {@link #NOT_OURS} if there is none.
   */
  static long numberAt(Buffer b, int p, int to) {
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
