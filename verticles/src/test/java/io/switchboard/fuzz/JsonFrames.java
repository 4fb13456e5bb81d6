package io.switchboard.fuzz;

import io.switchboard.protocol.UnicodeText;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Phoenix V2 text frames built slot by slot, each slot usually of its right type and sometimes of
 * any other (wrong arity, every type in every position, huge refs, deep nesting, 1e999, -0, long
 * topics and events, unknown events, frames for unjoined topics, duplicate joins, huge payloads),
 * plus text mutations of valid frames. The generator knows what it built, so it says what the
 * server must answer: a close 1007 when no ref and topic can be read, an error reply when they can
 * but the rest is wrong, 1009 past the size limit, else what the lane's join state implies.
 */
final class JsonFrames {
  static final Set<Integer> CLOSES = Set.of(1007, 1009);
  static final int MAX_MESSAGE_BYTES = 65536;

  static final String[] EVENTS = {
    "phx_join", "phx_leave", "heartbeat", "shout", "message", "access_token", "presence_update",
    "data", "flush", "add_message", "phx_reply", "phx_close", "phx_error", "presence_state",
    "disconnect", "nope", "", "SHOUT", "shout\u0000"
  };

  private final SplittableRandom rnd;
  private final JsonValues values;
  private int serial;

  JsonFrames(SplittableRandom rnd) {
    this.rnd = rnd;
    this.values = new JsonValues(rnd);
  }

  /** A slot: its JSON text, and the Java value when it is a string (null when it is not). */
  private record Slot(String json, String string, boolean isNull) {
    static Slot of(String s) {
      return new Slot(quote(s), s, false);
    }

    static final Slot NULL = new Slot("null", null, true);

    static Slot other(String json) {
      return new Slot(json, null, false);
    }

    boolean refLike() {
      return isNull || (string != null && UnicodeText.isWellFormed(string));
    }

    boolean wellFormedString() {
      return string != null && UnicodeText.isWellFormed(string);
    }
  }

  FuzzInput next(PhoenixState state, String lane) {
    serial++;
    int pick = rnd.nextInt(100);
    if (pick < 12) {
      return mutation(state, lane);
    }
    if (pick < 16) {
      return notAFrame();
    }
    return structured(state, lane);
  }

  private FuzzInput structured(PhoenixState state, String lane) {
    String topic = topic(state);
    Slot topicSlot = rnd.nextInt(20) < 19 ? Slot.of(topic) : wrong("string");
    Slot eventSlot = rnd.nextInt(20) < 18 ? Slot.of(event()) : wrong("string");
    String current = topicSlot.string == null ? null : state.joinRef(topicSlot.string);
    Slot jr = joinRef(current);
    Slot ref = ref(lane);
    String payload = null;
    boolean payloadOk = true;
    int p = rnd.nextInt(20);
    if (p < 9) {
      payload = "{}";
    } else if (p < 13) {
      payload = values.object(3).replaceAll("9{1001,}", "9");
    } else if (p < 14) {
      payload = "{\"recover\":" + values.value(2).replaceAll("9{1001,}", "9") + "}";
    } else if (p < 15) {
      payload = "{\"meta\":" + values.value(2).replaceAll("9{1001,}", "9") + "}";
    } else if (p < 16) {
      payload = "{\"idempotency_key\":" + values.value(1).replaceAll("9{1001,}", "9") + "}";
    } else if (p < 17) {
      payload = "{\"n\":" + "7".repeat(1001 + rnd.nextInt(3000)) + "}";
      payloadOk = false;
    } else if (p < 18) {
      payload = "{\"deep\":" + JsonValues.nested(rnd.nextBoolean() ? 200 : 10_000, true, "1") + "}";
      payloadOk = false;
    } else if (p < 19) {
      int size = rnd.nextBoolean() ? 20_000 + rnd.nextInt(40_000) : 70_000 + rnd.nextInt(200_000);
      payload = "{\"big\":\"" + "x".repeat(size) + "\"}";
    } else {
      payload = wrong("object").json;
      payloadOk = false;
    }
    List<String> slots =
        new ArrayList<>(List.of(jr.json, ref.json, topicSlot.json, eventSlot.json));
    slots.add(payload);
    int arity = rnd.nextInt(20) < 18 ? 5 : rnd.nextInt(8);
    while (slots.size() < arity) {
      slots.add(values.value(2).replaceAll("9{1001,}", "9"));
    }
    List<String> used = slots.subList(0, arity);
    String text = "[" + String.join(",", used) + "]";

    FuzzInput.Expect expect;
    String expectRef = null;
    boolean headerOk = arity >= 3 && jr.refLike() && ref.refLike() && topicSlot.wellFormedString();
    boolean answerable = headerOk && !ref.isNull;
    boolean restOk = arity >= 5 && eventSlot.wellFormedString() && payloadOk;
    if (utf8Length(text) > MAX_MESSAGE_BYTES) {
      return new FuzzInput(
          "json",
          FuzzInput.Target.PHOENIX,
          WsWire.text(text),
          FuzzInput.Expect.CLOSED,
          null,
          FuzzInput.abbreviate(text),
          Set.of(1009));
    }
    if (!headerOk || (!restOk && !answerable)) {
      expect = FuzzInput.Expect.CLOSED;
    } else if (!restOk) {
      expect = FuzzInput.Expect.REPLY;
      expectRef = ref.string;
    } else {
      String t = topicSlot.string;
      String e = eventSlot.string;
      boolean heartbeat = "phoenix".equals(t) && "heartbeat".equals(e);
      if (ref.isNull && ("phx_join".equals(e) || "phx_leave".equals(e))) {
        state.uncertain.add(t);
      }
      boolean mustReply =
          !ref.isNull
              && (heartbeat || "phx_join".equals(e) || !state.uncertain.contains(t))
              && (heartbeat
                  || "phx_join".equals(e)
                  || !state.isJoined(t)
                  || java.util.Objects.equals(state.joinRef(t), jr.string));
      expect = mustReply ? FuzzInput.Expect.REPLY : FuzzInput.Expect.ANSWERED;
      expectRef = mustReply ? ref.string : null;
    }
    return new FuzzInput(
        "json",
        FuzzInput.Target.PHOENIX,
        WsWire.text(text),
        expect,
        expectRef,
        FuzzInput.abbreviate(text),
        expect == FuzzInput.Expect.CLOSED ? Set.of(1007) : CLOSES);
  }

  /** A valid frame with one to three text edits: anything may come of it but a crash or a hang. */
  private FuzzInput mutation(PhoenixState state, String lane) {
    String base =
        "["
            + quote(state.joinRef(state.home) == null ? "h1" : state.joinRef(state.home))
            + ","
            + quote(lane + "-m" + serial)
            + ","
            + quote(state.home)
            + ",\"shout\","
            + values.object(2).replaceAll("9{1001,}", "9")
            + "]";
    StringBuilder s = new StringBuilder(base);
    for (int i = 0, n = 1 + rnd.nextInt(3); i < n && s.length() > 0; i++) {
      int at = rnd.nextInt(s.length());
      switch (rnd.nextInt(5)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, "[]{}\",:\\ \u0000\u00ff".charAt(rnd.nextInt(11)));
        case 2 -> s.setLength(at);
        case 3 -> s.insert(at, s.substring(at, Math.min(s.length(), at + 1 + rnd.nextInt(8))));
        default -> s.setCharAt(at, (char) rnd.nextInt(0x80));
      }
    }
    byte[] utf8 = s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (rnd.nextInt(4) == 0 && utf8.length > 0) {
      utf8[rnd.nextInt(utf8.length)] = (byte) (0x80 | rnd.nextInt(0x80)); // maybe invalid UTF-8
    }
    return new FuzzInput(
        "json",
        FuzzInput.Target.PHOENIX,
        WsWire.text(utf8),
        FuzzInput.Expect.ANSWERED,
        null,
        FuzzInput.abbreviate(s.toString()),
        CLOSES);
  }

  /** Text that is not a frame array at all: each closes with 1007. */
  private FuzzInput notAFrame() {
    String text =
        switch (rnd.nextInt(8)) {
          case 0 -> values.object(2);
          case 1 -> values.string();
          case 2 -> values.number();
          case 3 -> "";
          case 4 -> "null";
          case 5 -> JsonValues.nested(10_000, true, "");
          case 6 -> JsonValues.nested(10_000, false, "{}");
          default -> "[" + values.value(1);
        };
    boolean tooBig = utf8Length(text) > MAX_MESSAGE_BYTES;
    return new FuzzInput(
        "json",
        FuzzInput.Target.PHOENIX,
        WsWire.text(text),
        FuzzInput.Expect.CLOSED,
        null,
        FuzzInput.abbreviate(text),
        Set.of(tooBig ? 1009 : 1007));
  }

  private String topic(PhoenixState state) {
    return switch (rnd.nextInt(16)) {
      case 0, 1, 2, 3, 4 -> state.home;
      case 5 -> "phoenix";
      case 6 -> "room:other-" + rnd.nextInt(50);
      case 7 -> "notifications:" + (rnd.nextBoolean() ? state.user : "someone");
      case 8 -> "analytics:" + rnd.nextInt(5);
      case 9 -> "batch:" + rnd.nextInt(5);
      case 10 -> "stream:" + rnd.nextInt(5);
      case 11 -> "presence:" + rnd.nextInt(5);
      case 12 -> "room:" + "t".repeat(250 + rnd.nextInt(5000));
      case 13 -> "";
      case 14 -> "room:\ud800";
      default -> JsonValues.STRING_BODIES[rnd.nextInt(JsonValues.STRING_BODIES.length)];
    };
  }

  private String event() {
    int pick = rnd.nextInt(20);
    if (pick < 16) {
      return EVENTS[rnd.nextInt(EVENTS.length)];
    }
    if (pick < 17) {
      return "e".repeat(200 + rnd.nextInt(5000));
    }
    if (pick < 18) {
      return rnd.nextBoolean() ? "\ud800" : "shout\udfff";
    }
    return values.word(1 + rnd.nextInt(10));
  }

  private Slot joinRef(String current) {
    int pick = rnd.nextInt(40);
    if (pick < 28) {
      return current == null ? Slot.NULL : Slot.of(current);
    }
    if (pick < 32) {
      return Slot.NULL;
    }
    if (pick < 36) {
      return Slot.of(values.word(1 + rnd.nextInt(6)));
    }
    if (pick < 37) {
      return Slot.of("r".repeat(10_000));
    }
    if (pick < 38) {
      return Slot.of("\udbff");
    }
    return wrong("string");
  }

  private Slot ref(String lane) {
    int pick = rnd.nextInt(40);
    String unique = lane + "-" + serial;
    if (pick < 34) {
      return Slot.of(unique);
    }
    if (pick < 36) {
      return Slot.NULL;
    }
    if (pick < 37) {
      return Slot.of(unique + "-" + "R".repeat(10_000 + rnd.nextInt(20_000)));
    }
    if (pick < 38) {
      return Slot.of(unique + "\ud800");
    }
    return wrong("string");
  }

  /** A value of any JSON type but {@code notThis}. */
  private Slot wrong(String notThis) {
    while (true) {
      String json =
          switch (rnd.nextInt(8)) {
            case 0 -> "null";
            case 1 -> "true";
            case 2 -> values.number().replaceAll("9{1001,}", "9");
            case 3 -> "[]";
            case 4 -> values.object(1).replaceAll("9{1001,}", "9");
            case 5 -> values.array(1).replaceAll("9{1001,}", "9");
            case 6 -> JsonValues.nested(200, rnd.nextBoolean(), "0");
            default -> "-0";
          };
      boolean isObject = json.startsWith("{");
      if ("object".equals(notThis) && isObject) {
        continue;
      }
      if ("string".equals(notThis) && "null".equals(json)) {
        continue; // null is no string, but it is a valid ref: keep the model simple
      }
      return Slot.other(json);
    }
  }

  static int utf8Length(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /** A JSON string literal; every surrogate and control character as a \\u escape. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
