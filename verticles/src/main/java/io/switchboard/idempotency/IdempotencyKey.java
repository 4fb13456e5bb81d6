package io.switchboard.idempotency;

import io.switchboard.protocol.UnicodeText;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The {@code idempotency_key} of a backend publish (a body field) or a client push (a field of the
 * payload object, which stays in the broadcast: payloads are forwarded byte for byte), and its
 * scope. Keys are scoped per topic by whoever keeps them, and here per publisher: a backend's keys
 * and each user's keys are apart, so a user cannot suppress another user's (or a backend's) message
 * by guessing its key.
 */
public final class IdempotencyKey {
  public static final String FIELD = "idempotency_key";

  /** Longest key, in UTF-16 characters: room for a UUID or a ULID with a prefix, not a payload. */
  public static final int MAX_LENGTH = 128;

  /** What a publisher with a bad key is told. */
  public static final String RULE =
      FIELD + " must be a string of 1 to " + MAX_LENGTH + " characters, with no control characters";

  private static final byte[] QUOTED_FIELD =
      ('"' + FIELD + '"').getBytes(StandardCharsets.US_ASCII);

  /** A push payload's key: none, a bad one, or the key. */
  public record Lookup(boolean valid, String key) {
    public static final Lookup NONE = new Lookup(true, null);
    public static final Lookup INVALID = new Lookup(false, null);
  }

  private IdempotencyKey() {}

  /** The key as given, if it is one: a non-empty string within the bounds; otherwise null. */
  public static String valid(Object value) {
    if (!(value instanceof String key) || key.isEmpty() || key.length() > MAX_LENGTH) {
      return null;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return null; // NUL among them: it separates the scope from the key
      }
    }
    return UnicodeText.isWellFormed(key) ? key : null;
  }

  /** A backend's key (HTTP or event bus): one scope for all backends, as they share the API key. */
  public static String ofBackend(String key) {
    return "api\u0000" + key;
  }

  /**
   * A user's key. The user id is length-prefixed: any {@code sub} is allowed, and none can make its
   * scope another's (or the backends').
   */
  public static String ofUser(String userId, String key) {
    return "user\u0000" + userId.length() + ':' + userId + '\u0000' + key;
  }

  /** A scoped key within one topic, for stores that keep every topic's keys in one map. */
  public static String onTopic(String topic, String scopedKey) {
    return topic.length() + ":" + topic + '\u0000' + scopedKey;
  }

  /**
   * The top-level {@code idempotency_key} of a push's JSON payload. Payloads are not parsed on the
   * push path, so one is parsed here only when its bytes name the field (a key written with JSON
   * escapes in its name is not seen, and the push publishes as any other).
   */
  public static Lookup inPush(Buffer payload, boolean binary) {
    if (binary || !mentionsField(payload)) {
      return Lookup.NONE;
    }
    Object value;
    try {
      value = new JsonObject(payload).getValue(FIELD);
    } catch (DecodeException | ClassCastException e) {
      return Lookup.NONE; // not a JSON object: the kind refuses or forwards it as before
    }
    if (value == null) {
      return Lookup.NONE; // nested, or in a string: not the payload's own key
    }
    String key = valid(value);
    return key == null ? Lookup.INVALID : new Lookup(true, key);
  }

  private static boolean mentionsField(Buffer payload) {
    int n = payload.length() - QUOTED_FIELD.length;
    outer:
    for (int i = 0; i <= n; i++) {
      for (int j = 0; j < QUOTED_FIELD.length; j++) {
        if (payload.getByte(i + j) != QUOTED_FIELD[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
