package io.switchboard.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Phoenix V1 JSON frames ({@code vsn=1.0.0}): {@code {"join_ref", "ref", "topic", "event",
 * "payload"}} objects, keys in any order. Spoken by the older ports (Swift, Kotlin, Dart) and by
 * realtime-js before 2.91.
 *
 * <p>Decoding keeps the payload as its raw text, as {@link V2JsonCodec} does; unknown keys are
 * skipped, a missing {@code join_ref} or {@code ref} is null. Encoding always writes all five keys:
 * Phoenix's own V1 serializer leaves {@code join_ref} out, which makes phoenix.js's stale-join
 * check pass for every frame (a {@code phx_close} for a replaced join then closes the new one);
 * clients read the key when it is there. Stateless and thread-safe.
 */
public final class V1JsonCodec {
  private V1JsonCodec() {}

  /** Decodes one text frame; the exception says what was wrong and which fields were read. */
  public static Frame decode(String text) throws FrameException {
    String joinRef = null;
    String ref = null;
    String topic = null;
    String event = null;
    String payload = null;
    try (JsonParser p = V2JsonCodec.FACTORY.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new FrameException(
            "frame must be a JSON object {join_ref, ref, topic, event, payload}");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "join_ref" -> joinRef = ref(p, value, name, joinRef, ref, topic);
          case "ref" -> ref = ref(p, value, name, joinRef, ref, topic);
          case "topic" -> topic = string(p, value, name, joinRef, ref, topic);
          case "event" -> event = string(p, value, name, joinRef, ref, topic);
          case "payload" -> {
            if (value != JsonToken.START_OBJECT) {
              throw new FrameException("payload must be a JSON object", joinRef, ref, topic);
            }
            payload = V2JsonCodec.objectText(p, text);
          }
          default -> p.skipChildren(); // Phoenix ignores keys it does not know
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new FrameException("unterminated frame object", joinRef, ref, topic);
      }
      if (p.nextToken() != null) {
        throw new FrameException("unexpected data after the frame object", joinRef, ref, topic);
      }
    } catch (StreamConstraintsException e) {
      throw new FrameException(V2JsonCodec.constraint(e), joinRef, ref, topic);
    } catch (IOException e) {
      throw new FrameException(
          "invalid JSON: " + V2JsonCodec.firstLine(e.getMessage()), joinRef, ref, topic);
    }
    if (topic == null) {
      throw new FrameException("frame has no topic", joinRef, ref, null);
    }
    if (event == null) {
      throw new FrameException("frame has no event", joinRef, ref, topic);
    }
    if (payload == null) {
      throw new FrameException("frame has no payload object", joinRef, ref, topic);
    }
    return new Frame(joinRef, ref, topic, event, Buffer.buffer(payload), false);
  }

  private static String ref(
      JsonParser p, JsonToken value, String name, String joinRef, String ref, String topic)
      throws IOException, FrameException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    return string(p, value, name, joinRef, ref, topic);
  }

  private static String string(
      JsonParser p, JsonToken value, String name, String joinRef, String ref, String topic)
      throws IOException, FrameException {
    if (value != JsonToken.VALUE_STRING) {
      throw new FrameException(
          name + " must be a string" + (name.endsWith("ref") ? " or null" : ""),
          joinRef,
          ref,
          topic);
    }
    return V2JsonCodec.wellFormed(p.getText(), name, joinRef, ref, topic);
  }

  /** Encodes {@code {"join_ref", "ref", "topic", "event", "payload"}} around a JSON payload. */
  public static Buffer encode(
      String joinRef, String ref, String topic, String event, Buffer payloadJson) {
    Buffer out = Buffer.buffer(payloadJson.length() + topic.length() + event.length() + 80);
    out.appendString("{\"join_ref\":");
    V2JsonCodec.appendNullableString(out, joinRef);
    out.appendString(",\"ref\":");
    V2JsonCodec.appendNullableString(out, ref);
    out.appendString(",\"topic\":");
    V2JsonCodec.appendNullableString(out, topic);
    out.appendString(",\"event\":");
    V2JsonCodec.appendNullableString(out, event);
    out.appendString(",\"payload\":");
    out.appendBuffer(payloadJson);
    out.appendByte((byte) '}');
    return out;
  }

  /** A reply: {@code "event": "phx_reply", "payload": {"status", "response"}}. */
  public static Buffer reply(
      String joinRef, String ref, String topic, String status, Buffer responseJson) {
    return encode(
        joinRef, ref, topic, Events.REPLY, V2JsonCodec.replyPayload(status, responseJson));
  }

  /**
   * The V1 text of a V2 JSON frame (a broadcast encoded once for V2 clients): same fields, same
   * payload bytes.
   */
  public static Buffer fromV2(Buffer v2Frame) {
    Frame f;
    try {
      f = V2JsonCodec.decode(v2Frame.toString());
    } catch (FrameException e) {
      throw new IllegalArgumentException("not a V2 frame we encoded: " + e.reason(), e);
    }
    return encode(f.joinRef(), f.ref(), f.topic(), f.event(), f.payload());
  }
}
