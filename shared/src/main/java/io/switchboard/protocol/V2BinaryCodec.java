package io.switchboard.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Phoenix V2 binary frames. Layout: a kind byte, one uint8 length per header field, the header
 * fields (UTF-8), then the raw payload. Client push is kind 0 {@code jr ref topic event}; the
 * server sends push kind 0 {@code jr topic event}, reply kind 1 {@code jr ref topic status},
 * broadcast kind 2 {@code topic event}.
 */
public final class V2BinaryCodec {
  public static final byte PUSH = 0;
  public static final byte REPLY = 1;
  public static final byte BROADCAST = 2;

  /** Each header field's length travels in one byte. */
  public static final int MAX_FIELD_BYTES = 255;

  private V2BinaryCodec() {}

  /** Decodes a client push; any other kind or a truncated frame is an error. */
  public static Frame decode(Buffer data) throws FrameException {
    if (data.length() < 5) {
      throw new FrameException("binary frame shorter than its header");
    }
    byte kind = data.getByte(0);
    if (kind != PUSH) {
      throw new FrameException("binary frame kind " + kind + " is not a client push (0)");
    }
    int[] sizes = {
      data.getUnsignedByte(1),
      data.getUnsignedByte(2),
      data.getUnsignedByte(3),
      data.getUnsignedByte(4)
    };
    int pos = 5;
    String[] fields = new String[4];
    for (int i = 0; i < 4; i++) {
      if (pos + sizes[i] > data.length()) {
        throw new FrameException(
            "binary frame header fields run past its end", fields[0], fields[1], fields[2]);
      }
      fields[i] = data.getString(pos, pos + sizes[i], "UTF-8");
      pos += sizes[i];
    }
    String joinRef = fields[0].isEmpty() ? null : fields[0];
    if (fields[2].isEmpty() || fields[3].isEmpty()) {
      throw new FrameException(
          "binary frame needs a topic and an event", joinRef, fields[1], emptyToNull(fields[2]));
    }
    return new Frame(
        joinRef, fields[1], fields[2], fields[3], data.slice(pos, data.length()).copy(), true);
  }

  /** A server push to one socket: kind 0 with join ref, topic and event. */
  public static Buffer push(String joinRef, String topic, String event, Buffer payload) {
    return frame(PUSH, payload, joinRef, topic, event);
  }

  /** A reply: kind 1 with join ref, ref, topic and status. */
  public static Buffer reply(
      String joinRef, String ref, String topic, String status, Buffer payload) {
    return frame(REPLY, payload, joinRef, ref, topic, status);
  }

  /** A broadcast: kind 2 with topic and event; identical bytes for every subscriber. */
  /** Whether {@code field} (a topic, event or ref) fits a binary header's one length byte. */
  public static boolean fitsHeader(String field) {
    return field.getBytes(StandardCharsets.UTF_8).length <= MAX_FIELD_BYTES;
  }

  public static Buffer broadcast(String topic, String event, Buffer payload) {
    return frame(BROADCAST, payload, topic, event);
  }

  private static Buffer frame(byte kind, Buffer payload, String... fields) {
    byte[][] encoded = new byte[fields.length][];
    int size = 1 + fields.length + payload.length();
    for (int i = 0; i < fields.length; i++) {
      encoded[i] = fields[i] == null ? new byte[0] : fields[i].getBytes(StandardCharsets.UTF_8);
      if (encoded[i].length > MAX_FIELD_BYTES) {
        throw new IllegalArgumentException(
            "binary header field longer than " + MAX_FIELD_BYTES + " bytes");
      }
      size += encoded[i].length;
    }
    Buffer out = Buffer.buffer(size);
    out.appendByte(kind);
    for (byte[] field : encoded) {
      out.appendUnsignedByte((short) field.length);
    }
    for (byte[] field : encoded) {
      out.appendBytes(field);
    }
    return out.appendBuffer(payload);
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
