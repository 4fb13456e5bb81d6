package io.switchboard.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * How one client's frames are written: chosen at the upgrade by its {@code vsn} (or, without one,
 * by its first text frame) and by the path it connected to. Every format carries the same messages;
 * only the bytes differ.
 */
public enum WireFormat {
  /** {@code vsn=1.0.0}: JSON objects ({@link V1JsonCodec}); no binary frames. */
  V1("1.0.0"),
  /** {@code vsn=2.0.0}: JSON arrays ({@link V2JsonCodec}) and Phoenix's binary kinds 0-2. */
  V2("2.0.0"),
  /**
   * Supabase realtime-js at {@code vsn=2.0.0}: V2's JSON arrays, but its own binary broadcasts
   * ({@link SupabaseBinaryCodec}: kind 3 in, kind 4 out) and never Phoenix's binary kinds.
   */
  SUPABASE("2.0.0");

  private final String vsn;

  WireFormat(String vsn) {
    this.vsn = vsn;
  }

  /** The {@code vsn} parameter that selects it. */
  public String vsn() {
    return vsn;
  }

  /** Decodes one text frame from a client of this format. */
  public Frame decode(String text) throws FrameException {
    return this == V1 ? V1JsonCodec.decode(text) : V2JsonCodec.decode(text);
  }

  /** A text frame for one client: {@code join_ref, ref, topic, event, payload}. */
  public Buffer encode(String joinRef, String ref, String topic, String event, Buffer payload) {
    return this == V1
        ? V1JsonCodec.encode(joinRef, ref, topic, event, payload)
        : V2JsonCodec.encode(joinRef, ref, topic, event, payload);
  }

  /** A {@code phx_reply} text frame with {@code {"status", "response"}}. */
  public Buffer reply(String joinRef, String ref, String topic, String status, Buffer response) {
    return this == V1
        ? V1JsonCodec.reply(joinRef, ref, topic, status, response)
        : V2JsonCodec.reply(joinRef, ref, topic, status, response);
  }

  /**
   * The format a client without a {@code vsn} speaks, from its first text frame: an object is V1
   * (Phoenix's own default for a missing vsn), anything else V2.
   */
  public static WireFormat sniff(String firstText) {
    for (int i = 0; i < firstText.length(); i++) {
      char c = firstText.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{' ? V1 : V2;
      }
    }
    return V2;
  }
}
