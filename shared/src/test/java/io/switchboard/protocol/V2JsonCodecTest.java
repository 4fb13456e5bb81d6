package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class V2JsonCodecTest {

  // --- decode: valid frames ---

  @Test
  void decodesAllHeaderFieldsOfAPush() throws FrameException {
    Frame f = V2JsonCodec.decode("[\"5\",\"7\",\"room:lobby\",\"message\",{\"body\":\"hi\"}]");

    assertEquals("5", f.joinRef());
    assertEquals("7", f.ref());
    assertEquals("room:lobby", f.topic());
    assertEquals("message", f.event());
    assertEquals("{\"body\":\"hi\"}", f.payloadText());
    assertFalse(f.binary());
  }

  @Test
  void decodesNullJoinRefOfAHeartbeatAsNull() throws FrameException {
    Frame f = V2JsonCodec.decode("[null,\"12\",\"phoenix\",\"heartbeat\",{}]");

    assertNull(f.joinRef());
    assertEquals("12", f.ref());
    assertEquals(Events.PHOENIX_TOPIC, f.topic());
    assertEquals(Events.HEARTBEAT, f.event());
    assertEquals("{}", f.payloadText());
  }

  @Test
  void keepsRefsAsOpaqueStrings() throws FrameException {
    Frame f = V2JsonCodec.decode("[\"007\",\"a-b\",\"t\",\"e\",{}]");

    assertEquals("007", f.joinRef());
    assertEquals("a-b", f.ref());
  }

  @Test
  void decodesEscapesInHeaderStrings() throws FrameException {
    Frame f = V2JsonCodec.decode("[null,\"1\",\"room:\\u00e9\\\"q\\\"\",\"ev\\nt\",{}]");

    assertEquals("room:é\"q\"", f.topic());
    assertEquals("ev\nt", f.event());
  }

  @Test
  void preservesPayloadTextByteForByte() throws FrameException {
    String payload =
        "{ \"text\" : \"caf\\u00e9 \\\"quoted\\\" \\n\",\n\t\"emoji\":\"😀 é\",  \"n\": 1.50e+3 ,"
            + "\"nested\": { \"a\" : [ 1 , 2 ] } }";
    Frame f = V2JsonCodec.decode("[\"1\", \"2\", \"room:1\", \"msg\", " + payload + " ]");

    assertEquals(payload, f.payloadText());
    assertEquals(payload.getBytes(StandardCharsets.UTF_8).length, f.payload().length());
    assertEquals(Buffer.buffer(payload.getBytes(StandardCharsets.UTF_8)), f.payload());
  }

  @Test
  void preservesALargePayloadSpanningParserBuffers() throws FrameException {
    StringBuilder sb = new StringBuilder("{\"items\":[");
    for (int i = 0; i < 5000; i++) {
      sb.append(i == 0 ? "" : ", ").append("{\"i\": ").append(i).append(", \"s\": \"ü\\u0041😀\"}");
    }
    String payload = sb.append("]}").toString();
    assertTrue(payload.length() > 100_000);

    Frame f = V2JsonCodec.decode("[null,\"1\",\"t\",\"e\"," + payload + ",\"trailing\"]");

    assertEquals(payload, f.payloadText());
  }

  @Test
  void ignoresExtraTrailingArrayElements() throws FrameException {
    Frame f =
        V2JsonCodec.decode(
            "[\"1\",\"2\",\"t\",\"e\",{\"a\":1},\"extra\",[1,[2]],{\"b\":{}},null,3]");

    assertEquals("1", f.joinRef());
    assertEquals("2", f.ref());
    assertEquals("t", f.topic());
    assertEquals("e", f.event());
    assertEquals("{\"a\":1}", f.payloadText());
  }

  @Test
  void acceptsAModeratelyNestedPayload() throws FrameException {
    String payload = "{\"a\":".repeat(100) + "1" + "}".repeat(100);

    Frame f = V2JsonCodec.decode("[null,\"1\",\"t\",\"e\"," + payload + "]");

    assertEquals(payload, f.payloadText());
  }

  // --- decode: errors that cannot be answered (no ref or topic) ---

  @Test
  void refusesAJsonObjectAsNotAnswerable() {
    FrameException e =
        assertThrows(
            FrameException.class,
            () -> V2JsonCodec.decode("{\"join_ref\":\"1\",\"ref\":\"2\",\"topic\":\"t\"}"));

    assertFalse(e.answerable());
    assertNull(e.ref());
    assertNull(e.topic());
  }

  @Test
  void refusesInvalidJsonAsNotAnswerable() {
    FrameException e = assertThrows(FrameException.class, () -> V2JsonCodec.decode("not json"));

    assertFalse(e.answerable());
    assertTrue(e.reason().startsWith("invalid JSON"), e.reason());
  }

  @Test
  void refusesEmptyTextAsNotAnswerable() {
    FrameException e = assertThrows(FrameException.class, () -> V2JsonCodec.decode(""));

    assertFalse(e.answerable());
  }

  @Test
  void refusesANumericRefAsNotAnswerable() {
    FrameException e =
        assertThrows(
            FrameException.class, () -> V2JsonCodec.decode("[\"1\",2,\"room:1\",\"e\",{}]"));

    assertFalse(e.answerable());
    assertEquals("1", e.joinRef());
    assertNull(e.ref());
    assertNull(e.topic());
    assertEquals("ref must be a string or null", e.reason());
  }

  @Test
  void refusesANumericJoinRefAsNotAnswerable() {
    FrameException e =
        assertThrows(
            FrameException.class, () -> V2JsonCodec.decode("[1,\"2\",\"room:1\",\"e\",{}]"));

    assertFalse(e.answerable());
    assertEquals("join_ref must be a string or null", e.reason());
  }

  @Test
  void refusesANonStringTopicAsNotAnswerable() {
    FrameException e =
        assertThrows(FrameException.class, () -> V2JsonCodec.decode("[\"1\",\"2\",null,\"e\",{}]"));

    assertFalse(e.answerable());
    assertEquals("2", e.ref());
    assertNull(e.topic());
  }

  // --- decode: errors after ref and topic are known ---

  @Test
  void refusesANonStringEventAsAnswerable() {
    FrameException e =
        assertThrows(
            FrameException.class, () -> V2JsonCodec.decode("[\"1\",\"2\",\"room:1\",42,{}]"));

    assertTrue(e.answerable());
    assertEquals("1", e.joinRef());
    assertEquals("2", e.ref());
    assertEquals("room:1", e.topic());
    assertEquals("event must be a string", e.reason());
  }

  @Test
  void refusesAnArrayPayloadAsAnswerable() {
    FrameException e =
        assertThrows(
            FrameException.class,
            () -> V2JsonCodec.decode("[null,\"3\",\"room:1\",\"msg\",[1,2]]"));

    assertTrue(e.answerable());
    assertNull(e.joinRef());
    assertEquals("3", e.ref());
    assertEquals("room:1", e.topic());
    assertEquals("payload must be a JSON object", e.reason());
  }

  @Test
  void refusesAStringPayloadAsAnswerable() {
    FrameException e =
        assertThrows(
            FrameException.class,
            () -> V2JsonCodec.decode("[\"1\",\"3\",\"room:1\",\"msg\",\"text\"]"));

    assertTrue(e.answerable());
    assertEquals("payload must be a JSON object", e.reason());
  }

  @Test
  void refusesAMissingPayloadAsAnswerable() {
    FrameException e =
        assertThrows(
            FrameException.class, () -> V2JsonCodec.decode("[\"1\",\"3\",\"room:1\",\"msg\"]"));

    assertTrue(e.answerable());
    assertEquals("3", e.ref());
    assertEquals("room:1", e.topic());
  }

  @Test
  void refusesAMalformedPayloadAsAnswerable() {
    FrameException e =
        assertThrows(
            FrameException.class,
            () -> V2JsonCodec.decode("[\"1\",\"3\",\"room:1\",\"msg\",{\"a\":}]"));

    assertTrue(e.answerable());
    assertEquals("3", e.ref());
    assertEquals("room:1", e.topic());
    assertTrue(e.reason().startsWith("invalid JSON"), e.reason());
  }

  @Test
  void refusesA10000DeepPayloadWithAFrameExceptionNotAStackOverflow() {
    String payload = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
    String text = "[\"1\",\"9\",\"room:deep\",\"msg\"," + payload + "]";

    FrameException e = assertThrows(FrameException.class, () -> V2JsonCodec.decode(text));

    assertTrue(e.answerable());
    assertEquals("9", e.ref());
    assertEquals("room:deep", e.topic());
    assertEquals(
        "payload nested deeper than " + V2JsonCodec.MAX_NESTING_DEPTH + " levels", e.reason());
  }

  @Test
  void refusesAPayloadDeeperThanTheConfiguredLimit() {
    // 200 is above MAX_NESTING_DEPTH (128) but below Jackson's own default limit (1000).
    String payload = "{\"a\":".repeat(200) + "1" + "}".repeat(200);

    FrameException e =
        assertThrows(
            FrameException.class,
            () -> V2JsonCodec.decode("[null,\"1\",\"t\",\"e\"," + payload + "]"));

    assertTrue(e.answerable());
    assertEquals("payload nested deeper than 128 levels", e.reason());
  }

  @Test
  void refusesANumberOfMoreThan1000DigitsForWhatItIs() {
    String payload = "{\"n\":" + "9".repeat(1001) + "}";

    FrameException e =
        assertThrows(
            FrameException.class,
            () -> V2JsonCodec.decode("[null,\"1\",\"t\",\"e\"," + payload + "]"));

    assertTrue(e.answerable());
    assertEquals("number longer than 1000 digits", e.reason());
  }

  @Test
  void refusesALoneSurrogateInTheRefAsNotAnswerable() {
    FrameException e =
        assertThrows(
            FrameException.class,
            () -> V2JsonCodec.decode("[\"j1\",\"\\ud800\",\"room:p\",\"shout\",{\"a\":1}]"));

    assertFalse(e.answerable());
    assertEquals("ref is not well-formed Unicode (a lone surrogate)", e.reason());
  }

  @Test
  void refusesALoneSurrogateInTheEventAsAnswerable() {
    FrameException e =
        assertThrows(
            FrameException.class,
            () -> V2JsonCodec.decode("[\"j1\",\"5\",\"room:p\",\"\\udc00x\",{}]"));

    assertTrue(e.answerable());
    assertEquals("event is not well-formed Unicode (a lone surrogate)", e.reason());
  }

  @Test
  void acceptsSurrogatePairsInHeadersAndLoneOnesInsideThePayload() throws FrameException {
    Frame f = V2JsonCodec.decode("[null,\"1\",\"room:\\ud83d\\ude00\",\"e\",{\"s\":\"\\ud800\"}]");

    assertEquals("room:\ud83d\ude00", f.topic());
    assertEquals("{\"s\":\"\\ud800\"}", f.payload().toString(), "payload text forwarded as sent");
  }

  @Test
  void encodesALoneSurrogateThatSlippedPastAsTheReplacementCharacter() {
    Buffer out = V2JsonCodec.encode(null, "\ud800", "t", "e", Buffer.buffer("{}"));

    assertEquals("[null,\"\ufffd\",\"t\",\"e\",{}]", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void refusesA10000DeepArrayInATrailingElement() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    String text = "[\"1\",\"9\",\"room:deep\",\"msg\",{}," + deep + "]";

    FrameException e = assertThrows(FrameException.class, () -> V2JsonCodec.decode(text));

    assertTrue(e.answerable());
  }

  @Test
  void refusesASecondArrayAfterTheFrame() {
    FrameException e =
        assertThrows(
            FrameException.class,
            () -> V2JsonCodec.decode("[\"1\",\"2\",\"t\",\"e\",{}][\"1\",\"3\",\"t\",\"e\",{}]"));

    assertTrue(e.answerable());
    assertEquals("unexpected data after the frame array", e.reason());
  }

  @Test
  void refusesGarbageAfterTheFrame() {
    FrameException e =
        assertThrows(
            FrameException.class, () -> V2JsonCodec.decode("[\"1\",\"2\",\"t\",\"e\",{}] x"));

    assertTrue(e.answerable());
    assertEquals("2", e.ref());
    assertEquals("t", e.topic());
  }

  @Test
  void refusesAnUnterminatedFrameArray() {
    FrameException e =
        assertThrows(FrameException.class, () -> V2JsonCodec.decode("[\"1\",\"2\",\"t\",\"e\",{}"));

    assertTrue(e.answerable());
  }

  @Test
  void acceptsWhitespaceAroundTheFrame() throws FrameException {
    Frame f = V2JsonCodec.decode(" \n[\"1\",\"2\",\"t\",\"e\",{}]\n ");

    assertEquals("2", f.ref());
  }

  // --- encode ---

  @Test
  void encodesABroadcastWithNullRefsExactly() {
    Buffer out = V2JsonCodec.encode(null, null, "room:1", "msg", Buffer.buffer("{\"a\":1}"));

    assertEquals("[null,null,\"room:1\",\"msg\",{\"a\":1}]", out.toString());
    assertEquals(
        new JsonArray()
            .addNull()
            .addNull()
            .add("room:1")
            .add("msg")
            .add(new JsonObject().put("a", 1)),
        new JsonArray(out));
  }

  @Test
  void encodesAServerPushWithJoinRefAndNullRef() {
    Buffer out = V2JsonCodec.encode("5", null, "notifications:u1", "alert", Buffer.buffer("{}"));

    assertEquals("[\"5\",null,\"notifications:u1\",\"alert\",{}]", out.toString());
  }

  @Test
  void encodesThePayloadBytesUnchanged() {
    String payload = "{ \"x\" : \"caf\\u00e9\" ,\n \"y\":[1, 2] }";

    Buffer out = V2JsonCodec.encode("1", "2", "t", "e", Buffer.buffer(payload));

    assertEquals("[\"1\",\"2\",\"t\",\"e\"," + payload + "]", out.toString());
  }

  @Test
  void escapesQuotesBackslashesAndControlCharactersInHeaderStrings() {
    String topic = "room:\"a\\b\"";
    String event = "line\nbreak\ttab\u0001";

    JsonArray parsed =
        new JsonArray(V2JsonCodec.encode("j\"r", "r\\f", topic, event, Buffer.buffer("{}")));

    assertEquals(
        new JsonArray().add("j\"r").add("r\\f").add(topic).add(event).add(new JsonObject()),
        parsed);
  }

  @Test
  void encodesUnicodeHeaderStringsAsUtf8() {
    String topic = "room:é😀中";

    Buffer out = V2JsonCodec.encode(null, "1", topic, "msg", Buffer.buffer("{}"));

    assertEquals("[null,\"1\",\"room:é😀中\",\"msg\",{}]", out.toString(StandardCharsets.UTF_8));
    assertEquals(topic, new JsonArray(out).getString(2));
  }

  @Test
  void encodedFrameDecodesBackToTheSameFields() throws FrameException {
    String payload = "{\"body\":\"\\\"hi\\\" é\"}";
    Buffer out = V2JsonCodec.encode("5", "6", "room:\"x\"", "ev\n", Buffer.buffer(payload));

    Frame f = V2JsonCodec.decode(out.toString(StandardCharsets.UTF_8));

    assertEquals("5", f.joinRef());
    assertEquals("6", f.ref());
    assertEquals("room:\"x\"", f.topic());
    assertEquals("ev\n", f.event());
    assertEquals(payload, f.payloadText());
  }

  // --- reply ---

  @Test
  void encodesAnOkReplyExactly() {
    Buffer out = V2JsonCodec.reply("5", "5", "room:1", Events.STATUS_OK, Buffer.buffer("{}"));

    assertEquals(
        "[\"5\",\"5\",\"room:1\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]",
        out.toString());
    assertEquals(
        new JsonArray()
            .add("5")
            .add("5")
            .add("room:1")
            .add("phx_reply")
            .add(new JsonObject().put("status", "ok").put("response", new JsonObject())),
        new JsonArray(out));
  }

  @Test
  void encodesAnUnmatchedTopicErrorReplyWithNullJoinRef() {
    Buffer response =
        Buffer.buffer("{\"reason\":" + V2JsonCodec.quote(Reasons.UNMATCHED_TOPIC) + "}");

    Buffer out = V2JsonCodec.reply(null, "8", "room:x", Events.STATUS_ERROR, response);

    assertEquals(
        new JsonArray()
            .addNull()
            .add("8")
            .add("room:x")
            .add(Events.REPLY)
            .add(
                new JsonObject()
                    .put("status", "error")
                    .put("response", new JsonObject().put("reason", "unmatched topic"))),
        new JsonArray(out));
  }

  @Test
  void encodesAHeartbeatReply() {
    Buffer out =
        V2JsonCodec.reply(null, "3", Events.PHOENIX_TOPIC, Events.STATUS_OK, Buffer.buffer("{}"));

    assertEquals(
        "[null,\"3\",\"phoenix\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]",
        out.toString());
  }

  // --- quote ---

  @Test
  void quotesAPlainString() {
    assertEquals("\"room:1\"", V2JsonCodec.quote("room:1"));
  }

  @Test
  void quotesAnEmptyString() {
    assertEquals("\"\"", V2JsonCodec.quote(""));
  }

  @Test
  void quoteEscapesQuotesBackslashesAndControlCharacters() {
    assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001\"", V2JsonCodec.quote("a\"b\\c\nd\te\u0001"));
  }

  @Test
  void quoteKeepsNonAsciiCharacters() {
    assertEquals("\"é😀\"", V2JsonCodec.quote("é😀"));
  }

  @Test
  void quotedStringParsesBackToTheOriginal() {
    String s = "x\"y\\z\r\n\u0000é😀</script>";

    assertEquals(s, new JsonArray("[" + V2JsonCodec.quote(s) + "]").getString(0));
  }
}
