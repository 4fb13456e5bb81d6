package io.switchboard.protocol;

import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Supabase realtime-js's binary broadcasts (its {@code lib/serializer.ts}, since 2.100), which
 * replace Phoenix's binary kinds for its clients.
 *
 * <ul>
 *   <li>In, kind 3 (a {@code channel.send({type: "broadcast", event, payload})}): {@code 3,
 *       joinRefLen, refLen, topicLen, eventLen, metaLen, encoding (0 binary, 1 JSON), joinRef, ref,
 *       topic, event, meta, payload}. A JSON one decodes to the text push it stands for, event
 *       {@code broadcast} with {@code {"type": "broadcast", "event", "payload"}}; a binary one to a
 *       binary push of the user's event. The meta (realtime-js sends only {@code persist}) is
 *       dropped: nothing here persists broadcasts.
 *   <li>Out, kind 4 (the only binary kind realtime-js decodes): {@code 4, topicLen, eventLen,
 *       metaLen, encoding, topic, event, meta, payload}; made from a Phoenix binary broadcast (kind
 *       2), with no meta and binary encoding.
 * </ul>
 */
public final class SupabaseBinaryCodec {
  public static final byte USER_BROADCAST_PUSH = 3;
  public static final byte USER_BROADCAST = 4;
  static final byte BINARY_ENCODING = 0;
  static final byte JSON_ENCODING = 1;
  private static final int PUSH_HEADER = 7;

  private SupabaseBinaryCodec() {}

  /** Decodes a client's kind 3 frame; any other kind or a truncated frame is an error. */
  public static Frame decode(Buffer data) throws FrameException {
    if (data.length() < PUSH_HEADER) {
      throw new FrameException("binary frame shorter than its header");
    }
    byte kind = data.getByte(0);
    if (kind != USER_BROADCAST_PUSH) {
      throw new FrameException(
          "binary frame kind " + kind + " is not a realtime-js broadcast push (3)");
    }
    int[] sizes = new int[5];
    for (int i = 0; i < 5; i++) {
      sizes[i] = data.getUnsignedByte(1 + i);
    }
    byte encoding = data.getByte(6);
    int pos = PUSH_HEADER;
    String[] fields = new String[5];
    for (int i = 0; i < 5; i++) {
      if (pos + sizes[i] > data.length()) {
        throw new FrameException(
            "binary frame header fields run past its end", fields[0], fields[1], fields[2]);
      }
      fields[i] = data.getString(pos, pos + sizes[i], "UTF-8");
      pos += sizes[i];
    }
    String joinRef = fields[0].isEmpty() ? null : fields[0];
    String ref = fields[1].isEmpty() ? null : fields[1];
    String topic = fields[2].isEmpty() ? null : fields[2];
    String event = fields[3];
    if (topic == null || event.isEmpty()) {
      throw new FrameException("binary frame needs a topic and an event", joinRef, ref, topic);
    }
    Buffer payload = data.slice(pos, data.length());
    if (encoding == BINARY_ENCODING) {
      return new Frame(joinRef, ref, topic, event, payload.copy(), true);
    }
    if (encoding != JSON_ENCODING) {
      throw new FrameException(
          "binary frame encoding " + encoding + " is neither binary (0) nor JSON (1)",
          joinRef,
          ref,
          topic);
    }
    String json = payload.toString(StandardCharsets.UTF_8);
    checkJsonValue(json, joinRef, ref, topic);
    Buffer text = Buffer.buffer(json.length() + event.length() + 48);
    text.appendString("{\"type\":\"broadcast\",\"event\":");
    V2JsonCodec.appendNullableString(text, event);
    text.appendString(",\"payload\":").appendString(json).appendByte((byte) '}');
    return new Frame(joinRef, ref, topic, Events.BROADCAST, text, false);
  }

  /** One well-formed JSON value, nothing after it: it is spliced into a payload as is. */
  private static void checkJsonValue(String json, String joinRef, String ref, String topic)
      throws FrameException {
    try (JsonParser p = V2JsonCodec.FACTORY.createParser(json)) {
      if (p.nextToken() == null) {
        throw new FrameException("binary frame's JSON payload is empty", joinRef, ref, topic);
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        throw new FrameException(
            "unexpected data after the binary frame's JSON payload", joinRef, ref, topic);
      }
    } catch (IOException e) {
      throw new FrameException("invalid JSON payload in binary frame", joinRef, ref, topic);
    }
  }

  /**
   * The kind 4 frame for a Phoenix binary broadcast (kind 2: {@code 2, topicLen, eventLen, topic,
   * event, payload}): same topic, event and bytes.
   */
  public static Buffer fromV2Broadcast(Buffer kind2) {
    if (kind2.length() < 3 || kind2.getByte(0) != V2BinaryCodec.BROADCAST) {
      throw new IllegalArgumentException("not a V2 binary broadcast");
    }
    int topicLen = kind2.getUnsignedByte(1);
    int eventLen = kind2.getUnsignedByte(2);
    int fields = topicLen + eventLen;
    Buffer out = Buffer.buffer(kind2.length() + 2);
    out.appendByte(USER_BROADCAST)
        .appendUnsignedByte((short) topicLen)
        .appendUnsignedByte((short) eventLen)
        .appendUnsignedByte((short) 0)
        .appendByte(BINARY_ENCODING)
        .appendBuffer(kind2, 3, fields)
        .appendBuffer(kind2, 3 + fields, kind2.length() - 3 - fields);
    return out;
  }
}
