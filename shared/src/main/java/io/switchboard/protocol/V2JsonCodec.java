package io.switchboard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Phoenix V2 JSON frames: {@code [join_ref, ref, topic, event, payload]}.
 *
 * <p>Decoding streams over the array once and keeps the payload object as its raw text (validated,
 * never built into a tree), so a broadcast forwards exactly the bytes the client sent. Encoding
 * writes the array by hand around an already-encoded payload; a broadcast is encoded once and the
 * bytes reused for every subscriber. Stateless and thread-safe.
 */
public final class V2JsonCodec {
  /**
   * Deeper payloads are refused: nobody needs them and a 10,000-deep array is a stack and CPU
   * attack.
   */
  public static final int MAX_NESTING_DEPTH = 128;

  /** Shared with {@link V1JsonCodec}: both versions read under the same limits. */
  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
          .build();

  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private V2JsonCodec() {}

  /**
   * Decodes one text frame; the exception says what was wrong and which header fields were read.
   */
  public static Frame decode(String text) throws FrameException {
    String joinRef = null;
    String ref = null;
    String topic = null;
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new FrameException(
            "frame must be a JSON array [join_ref, ref, topic, event, payload]");
      }
      joinRef = readRef(p, "join_ref", null, null, null);
      ref = readRef(p, "ref", joinRef, null, null);
      topic = readString(p, "topic", joinRef, ref, null);
      String event = readString(p, "event", joinRef, ref, topic);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new FrameException("payload must be a JSON object", joinRef, ref, topic);
      }
      String payload = objectText(p, text);
      // Phoenix ignores trailing elements; so do we, but they must still be well-formed JSON.
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new FrameException("unterminated frame array", joinRef, ref, topic);
        }
        p.skipChildren();
      }
      if (p.nextToken() != null) {
        throw new FrameException("unexpected data after the frame array", joinRef, ref, topic);
      }
      return new Frame(joinRef, ref, topic, event, Buffer.buffer(payload), false);
    } catch (StreamConstraintsException e) {
      throw new FrameException(constraint(e), joinRef, ref, topic);
    } catch (IOException e) {
      throw new FrameException("invalid JSON: " + firstLine(e.getMessage()), joinRef, ref, topic);
    }
  }

  private static String readRef(JsonParser p, String name, String joinRef, String ref, String topic)
      throws IOException, FrameException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_STRING) {
      return wellFormed(p.getText(), name, joinRef, ref, topic);
    }
    throw new FrameException(name + " must be a string or null", joinRef, ref, topic);
  }

  private static String readString(
      JsonParser p, String name, String joinRef, String ref, String topic)
      throws IOException, FrameException {
    if (p.nextToken() != JsonToken.VALUE_STRING) {
      throw new FrameException(name + " must be a string", joinRef, ref, topic);
    }
    return wellFormed(p.getText(), name, joinRef, ref, topic);
  }

  /** The JSON object the parser is at the start of, as its raw text (the parser moves past it). */
  static String objectText(JsonParser p, String text) throws IOException {
    int start = (int) p.currentTokenLocation().getCharOffset();
    p.skipChildren();
    int end = (int) p.currentLocation().getCharOffset();
    return text.substring(start, end);
  }

  static String wellFormed(String value, String name, String joinRef, String ref, String topic)
      throws FrameException {
    if (!UnicodeText.isWellFormed(value)) {
      throw new FrameException(
          name + " is not well-formed Unicode (a lone surrogate)", joinRef, ref, topic);
    }
    return value;
  }

  /** Which of Jackson's read limits the frame broke, in our words. */
  static String constraint(StreamConstraintsException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("Number value length")) {
      return "number longer than " + StreamReadConstraints.DEFAULT_MAX_NUM_LEN + " digits";
    }
    if (message.contains("String value length")) {
      return "string too long";
    }
    return "payload nested deeper than " + MAX_NESTING_DEPTH + " levels";
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /**
   * Encodes {@code [joinRef, ref, topic, event, payload]} around a payload that is already JSON.
   */
  public static Buffer encode(
      String joinRef, String ref, String topic, String event, Buffer payloadJson) {
    Buffer out = Buffer.buffer(payloadJson.length() + topic.length() + event.length() + 48);
    out.appendByte((byte) '[');
    appendNullableString(out, joinRef);
    out.appendByte((byte) ',');
    appendNullableString(out, ref);
    out.appendByte((byte) ',');
    appendNullableString(out, topic);
    out.appendByte((byte) ',');
    appendNullableString(out, event);
    out.appendByte((byte) ',');
    out.appendBuffer(payloadJson);
    out.appendByte((byte) ']');
    return out;
  }

  /**
   * A reply: {@code [joinRef, ref, topic, "phx_reply", {"status": status, "response": response}]}.
   */
  public static Buffer reply(
      String joinRef, String ref, String topic, String status, Buffer responseJson) {
    return encode(joinRef, ref, topic, Events.REPLY, replyPayload(status, responseJson));
  }

  /** {@code {"status": status, "response": response}}, a reply's payload in either format. */
  static Buffer replyPayload(String status, Buffer responseJson) {
    Buffer payload = Buffer.buffer(responseJson.length() + 32);
    payload.appendString("{\"status\":");
    appendNullableString(payload, status);
    payload.appendString(",\"response\":");
    payload.appendBuffer(responseJson);
    payload.appendByte((byte) '}');
    return payload;
  }

  /** The JSON text of a string, quoted and escaped. */
  public static String quote(String s) {
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
  }

  static void appendNullableString(Buffer out, String s) {
    if (s == null) {
      out.appendBytes(NULL);
      return;
    }
    out.appendByte((byte) '"');
    // Inbound text is checked where it arrives; this keeps any that slipped past from throwing
    // here.
    out.appendBytes(JsonStringEncoder.getInstance().quoteAsUTF8(UnicodeText.wellFormed(s)));
    out.appendByte((byte) '"');
  }
}
