package io.switchboard.fuzz;

import java.util.Set;
import java.util.SplittableRandom;

/**
 * SockJS event-bus bridge messages ({@code bridge/EventBusBridge}) as a raw WebSocket client sends
 * them: every field of {@code {"type", "address", "replyAddress", "headers", "body"}} missing, of
 * every type, or hostile (lone surrogates, long addresses, spoofed headers, bodies that are not the
 * push's {@code {"topic", "event", "payload"}}), and text that is not a JSON object at all.
 */
final class BridgeMessages {
  /** What the bridge may answer in an {@code {"type": "err", "body": ...}} (Vert.x's and ours). */
  static final Set<String> ERRORS =
      Set.of(
          "invalid_json",
          "missing_type",
          "missing_address",
          "invalid_type",
          "max_handlers_reached",
          "invalid_reply_address",
          "not_logged_in",
          "access_denied",
          "auth_error",
          "rejected",
          "max_address_length_reached",
          "address_already_registered",
          "registration_failure");

  /** The failure codes of a push's error reply (EventBusBridge#push). */
  static final Set<Integer> FAILURE_CODES = Set.of(400, 403, 503);

  static final String PUSH = "switchboard.bridge.push";

  private static final java.util.regex.Pattern LONG_NUMBER =
      java.util.regex.Pattern.compile("[0-9]{1001}");

  private final SplittableRandom rnd;
  private final JsonValues values;
  private int serial;

  BridgeMessages(SplittableRandom rnd) {
    this.rnd = rnd;
    this.values = new JsonValues(rnd);
  }

  FuzzInput next(String lane) {
    serial++;
    String replyAddress = lane + "-r" + serial;
    if (rnd.nextInt(10) == 0) {
      String text =
          switch (rnd.nextInt(6)) {
            case 0 -> "nonsense";
            case 1 -> values.array(2);
            case 2 -> values.string();
            case 3 -> JsonValues.nested(10_000, false, "{}");
            case 4 ->
                "{\"type\":\"send\",\"address\":\""
                    + PUSH
                    + "\",\"body\":"
                    + JsonValues.nested(10_000, true, "1")
                    + "}";
            default -> "{\"type\":\"send\"";
          };
      return input(text, FuzzInput.Expect.ANSWERED, null);
    }
    if (rnd.nextInt(4) == 0) {
      // Push-shaped, the body fuzzed: the bridge forwards it, so it must be answered on its reply
      // address.
      String text =
          "{\"type\":\"send\",\"address\":\""
              + PUSH
              + "\",\"replyAddress\":\""
              + replyAddress
              + "\",\"body\":"
              + pushBody()
              + "}";
      boolean forwarded = !LONG_NUMBER.matcher(text).find() && text.length() < 60_000;
      return input(
          text,
          forwarded ? FuzzInput.Expect.REPLY : FuzzInput.Expect.ANSWERED,
          forwarded ? replyAddress : null);
    }
    String type =
        pick(
            "\"send\"",
            "\"send\"",
            "\"send\"",
            "\"register\"",
            "\"register\"",
            "\"unregister\"",
            "\"publish\"",
            "\"ping\"",
            "\"SEND\"",
            "\"nope\"",
            "null",
            "17",
            "{}",
            "[]",
            "\"\\ud800\"");
    String address =
        pick(
            "\"" + PUSH + "\"",
            "\"" + PUSH + "\"",
            "\"topic:room:fuzz-bridge\"",
            "\"topic:room:" + values.word(4) + "\"",
            "\"topic:\"",
            "\"topic:notifications:someone\"",
            "\"topic:room:" + "a".repeat(300) + "\"",
            "\"topic:room:\\ud800\"",
            "\"\"",
            "null",
            "1e999",
            "{}",
            "[\"" + PUSH + "\"]",
            "\"other.address\"",
            values.string());
    String body = pushBody();
    StringBuilder m = new StringBuilder("{");
    m.append("\"type\":").append(type);
    if (rnd.nextInt(8) != 0) {
      m.append(",\"address\":").append(address);
    }
    boolean hasReply = rnd.nextInt(3) != 0;
    String replyJson =
        pick(
            "\"" + replyAddress + "\"",
            "\"" + replyAddress + "\"",
            "\"" + replyAddress + "\"",
            "17",
            "{}",
            "\"" + "r".repeat(40) + "\"",
            "\"\\ud800\"",
            "null");
    if (hasReply) {
      m.append(",\"replyAddress\":").append(replyJson);
    }
    if (rnd.nextInt(4) == 0) {
      m.append(",\"headers\":")
          .append(
              pick(
                  "{\"user\":\"vic\",\"topics\":\"[\\\"vip:gold\\\"]\"}",
                  "\"h\"",
                  "[]",
                  "{\"a\":{}}",
                  "null",
                  "{\"user\":17}"));
    }
    if (rnd.nextInt(8) != 0) {
      m.append(",\"body\":").append(body);
    }
    m.append('}');
    String text = m.toString();
    // A send the bridge lets through (to the push address, with a plain reply address) must be
    // answered on that address, whatever its body.
    boolean forwarded =
        "\"send\"".equals(type)
            && text.contains("\"address\":\"" + PUSH + "\"")
            && hasReply
            && replyJson.equals("\"" + replyAddress + "\"")
            && text.length() < 60_000
            // Vert.x's parser refuses a number over 1000 digits: invalid_json, with no address.
            && !LONG_NUMBER.matcher(text).find();
    return input(
        text,
        forwarded ? FuzzInput.Expect.REPLY : FuzzInput.Expect.ANSWERED,
        forwarded ? replyAddress : null);
  }

  private String pushBody() {
    return pick(
        "{\"topic\":\"room:fuzz-bridge\",\"event\":\"shout\",\"payload\":" + values.object(2) + "}",
        "{\"topic\":\"room:fuzz-bridge\",\"event\":\"shout\",\"payload\":{}}",
        "{\"topic\":"
            + values.value(1)
            + ",\"event\":"
            + values.value(1)
            + ",\"payload\":"
            + values.value(2)
            + "}",
        "{\"topic\":\"room:fuzz-bridge\",\"event\":\"\\ud800\",\"payload\":{}}",
        "{\"topic\":\"room:\\udfff\",\"event\":\"shout\"}",
        "{\"topic\":\"notifications:someone\",\"event\":\"shout\",\"payload\":{}}",
        "{\"topic\":\"room:fuzz-bridge\",\"event\":\"nope\",\"payload\":{}}",
        "{\"topic\":\"room:fuzz-bridge\",\"event\":\"shout\",\"payload\":{\"big\":\""
            + "b".repeat(rnd.nextInt(80_000))
            + "\"}}",
        "\"just a string\"",
        "42",
        "[1,2]",
        "null",
        "true",
        values.value(2),
        "{}");
  }

  private FuzzInput input(String text, FuzzInput.Expect expect, String ref) {
    return new FuzzInput(
        "bridge",
        FuzzInput.Target.BRIDGE,
        WsWire.text(text),
        expect,
        ref,
        FuzzInput.abbreviate(text),
        Set.of(1000, 1009));
  }

  private String pick(String... options) {
    return options[rnd.nextInt(options.length)];
  }
}
