package io.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.RawClient;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 violations from a raw TCP client: each gets the close code the RFC names (1002 protocol
 * error, 1007 invalid UTF-8, 1009 too big), and a bystander on the same node is still served.
 */
class FrameViolationsTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.limits().maxMessageBytes(4096));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static int closeCodeAfter(byte[] frame) throws Exception {
    try (Socket raw = new Socket("127.0.0.1", node.port())) {
      RawClient.upgrade(raw, node.token("violator"), node.port());
      raw.getOutputStream().write(frame);
      raw.getOutputStream().flush();
      int code = RawClient.readCloseCode(raw);
      try (TestSocket bystander = node.connect("bystander")) {
        bystander.join("1", "room:violations");
        bystander.send("1", "2", "room:violations", "shout", new JsonObject().put("ok", true));
        bystander.event("room:violations", "shout");
      }
      return code;
    }
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anUnmaskedClientFrameIsAProtocolError() throws Exception {
    assertEquals(1002, closeCodeAfter(RawClient.frame(0x81, text("[]"), false)));
  }

  @Test
  void reservedBitsWithoutAnExtensionAreAProtocolError() throws Exception {
    assertEquals(1002, closeCodeAfter(RawClient.frame(0xC1, text("[]"), true)));
  }

  @Test
  void aReservedOpcodeIsAProtocolError() throws Exception {
    assertEquals(1002, closeCodeAfter(RawClient.frame(0x83, text("[]"), true)));
  }

  @Test
  void aControlFrameOver125BytesIsAProtocolError() throws Exception {
    assertEquals(1002, closeCodeAfter(RawClient.frame(0x89, new byte[126], true)));
  }

  @Test
  void aFragmentedControlFrameIsAProtocolError() throws Exception {
    assertEquals(1002, closeCodeAfter(RawClient.frame(0x09, new byte[4], true)));
  }

  @Test
  void aCloseWithAnInvalidCodeIsAnsweredWithAProtocolErrorNotEchoed() throws Exception {
    assertEquals(1002, closeCodeAfter(RawClient.frame(0x88, new byte[] {0x13, (byte) 0x88}, true)));
  }

  @Test
  void invalidUtf8InATextFrameIs1007() throws Exception {
    assertEquals(
        1007, closeCodeAfter(RawClient.frame(0x81, new byte[] {'[', (byte) 0xC3, ']'}, true)));
  }

  /**
   * Found by FuzzTest: Vert.x decoded bad bytes as U+FFFD and served the frame (here a heartbeat
   * with a bad byte in its topic got {@code unmatched topic}).
   */
  @Test
  void invalidUtf8InsideAFrameThatWouldStillParseIs1007() throws Exception {
    byte[] text =
        "[null,\"1\",\"ph\u00ffoenix\",\"heartbeat\",{}]".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(1007, closeCodeAfter(RawClient.frame(0x81, text, true)));
  }

  @Test
  void aLoneSurrogateEncodedAsUtf8InAPayloadIs1007() throws Exception {
    java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
    text.writeBytes(
        "[null,\"1\",\"phoenix\",\"heartbeat\",{\"s\":\"".getBytes(StandardCharsets.UTF_8));
    text.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // U+D800 as UTF-8
    text.writeBytes("\"}]".getBytes(StandardCharsets.UTF_8));
    assertEquals(1007, closeCodeAfter(RawClient.frame(0x81, text.toByteArray(), true)));
  }

  @Test
  void invalidUtf8InTheLastFragmentOfAMessageIs1007() throws Exception {
    byte[] first = "[null,\"1\",\"phoenix\",".getBytes(StandardCharsets.UTF_8);
    byte[] last = {'"', 'h', (byte) 0xC3, '"', ',', '{', '}', ']'};
    java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
    both.writeBytes(RawClient.frame(0x01, first, true));
    both.writeBytes(RawClient.frame(0x80, last, true));
    assertEquals(1007, closeCodeAfter(both.toByteArray()));
  }

  @Test
  void aFrameOverTheMessageLimitIsStill1009() throws Exception {
    assertEquals(1009, closeCodeAfter(RawClient.frame(0x81, new byte[5000], true)));
  }
}
