package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class V1JsonCodecTest {

  @Test
  void decodesKeysInAnyOrderAndKeepsThePayloadBytes() throws FrameException {
    Frame f =
        V1JsonCodec.decode(
            "{\"payload\":{\"body\": \"hi\"},\"event\":\"shout\",\"topic\":\"room:1\","
                + "\"ref\":\"7\",\"join_ref\":\"5\"}");
    assertEquals("5", f.joinRef());
    assertEquals("7", f.ref());
    assertEquals("room:1", f.topic());
    assertEquals("shout", f.event());
    assertEquals("{\"body\": \"hi\"}", f.payloadText());
    assertFalse(f.binary());
  }

  @Test
  void missingRefsAreNullAndUnknownKeysAreSkipped() throws FrameException {
    Frame f =
        V1JsonCodec.decode(
            "{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"extra\":[1,{}]}");
    assertNull(f.joinRef());
    assertNull(f.ref());
    assertEquals("heartbeat", f.event());
  }

  @Test
  void readLimitsAreNamedAsInV2() {
    String deep = "[".repeat(200) + "]".repeat(200);
    String digits = "9".repeat(1001);
    FrameException nested =
        assertThrows(
            FrameException.class,
            () ->
                V1JsonCodec.decode(
                    "{\"ref\":\"1\",\"topic\":\"t\",\"payload\":{\"a\":" + deep + "}}"));
    assertEquals("payload nested deeper than 128 levels", nested.reason());
    FrameException number =
        assertThrows(
            FrameException.class,
            () ->
                V1JsonCodec.decode(
                    "{\"ref\":\"1\",\"topic\":\"t\",\"payload\":{\"n\":" + digits + "}}"));
    assertEquals("number longer than 1000 digits", number.reason());
    assertEquals("1", number.ref());
  }

  @Test
  void faultsSayWhatWasWrongAndKeepWhatWasRead() {
    FrameException notObject =
        assertThrows(FrameException.class, () -> V1JsonCodec.decode("[null,\"1\",\"t\",\"e\",{}]"));
    assertTrue(notObject.reason().contains("JSON object"), notObject.reason());
    assertFalse(notObject.answerable());

    FrameException badPayload =
        assertThrows(
            FrameException.class,
            () ->
                V1JsonCodec.decode(
                    "{\"ref\":\"1\",\"topic\":\"t\",\"event\":\"e\",\"payload\":3}"));
    assertTrue(badPayload.answerable());
    assertEquals("1", badPayload.ref());

    FrameException noEvent =
        assertThrows(
            FrameException.class,
            () -> V1JsonCodec.decode("{\"ref\":\"1\",\"topic\":\"t\",\"payload\":{}}"));
    assertTrue(noEvent.reason().contains("no event"), noEvent.reason());

    assertThrows(
        FrameException.class,
        () -> V1JsonCodec.decode("{\"ref\":1,\"topic\":\"t\",\"event\":\"e\",\"payload\":{}}"));
    assertThrows(
        FrameException.class,
        () -> V1JsonCodec.decode("{\"topic\":\"t\",\"event\":\"e\",\"payload\":{}} {}"));
  }

  @Test
  void encodesAllFiveKeysAroundThePayload() {
    Buffer b = V1JsonCodec.encode(null, "3", "room:\"q\"", "shout", Buffer.buffer("{\"n\":1}"));
    JsonObject o = new JsonObject(b);
    assertTrue(o.containsKey("join_ref"));
    assertNull(o.getValue("join_ref"));
    assertEquals("3", o.getString("ref"));
    assertEquals("room:\"q\"", o.getString("topic"));
    assertEquals(new JsonObject().put("n", 1), o.getJsonObject("payload"));
  }

  @Test
  void repliesAndConvertedBroadcastsMatchTheirV2Frames() throws FrameException {
    Buffer reply = V1JsonCodec.reply("1", "2", "t", "ok", Buffer.buffer("{}"));
    Frame r = V1JsonCodec.decode(reply.toString());
    assertEquals(Events.REPLY, r.event());
    assertEquals(
        new JsonObject("{\"status\":\"ok\",\"response\":{}}"), new JsonObject(r.payload()));

    Buffer v2 = V2JsonCodec.encode(null, "e:4", "room:x", "news", Buffer.buffer("{\"a\":[1]}"));
    Frame f = V1JsonCodec.decode(V1JsonCodec.fromV2(v2).toString());
    assertNull(f.joinRef());
    assertEquals("e:4", f.ref());
    assertEquals("room:x", f.topic());
    assertEquals("news", f.event());
    assertEquals("{\"a\":[1]}", f.payloadText());
  }

  @Test
  void aClientWithoutVsnIsReadFromItsFirstTextFrame() {
    assertEquals(WireFormat.V1, WireFormat.sniff("  {\"topic\":\"t\"}"));
    assertEquals(WireFormat.V2, WireFormat.sniff("[null,\"1\",\"phoenix\",\"heartbeat\",{}]"));
    assertEquals(WireFormat.V2, WireFormat.sniff("garbage"));
  }
}
