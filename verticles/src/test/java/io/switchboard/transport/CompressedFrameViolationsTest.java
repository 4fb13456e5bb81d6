package io.switchboard.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.RawClient;
import io.switchboard.support.RawHttp;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A socket that negotiated permessage-deflate and sends a compressed frame whose data does not
 * inflate is closed with 1007 (found by FuzzTest: the connection was dropped without a close frame,
 * which a client sees as 1006); a bystander is still served.
 */
class CompressedFrameViolationsTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.compression().permessageDeflate(true));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static int closeCodeAfter(byte[] frame) throws Exception {
    return closeCodeAfter(frame, true);
  }

  static int closeCodeAfter(byte[] frame, boolean offerDeflate) throws Exception {
    try (Socket raw = RawHttp.open(node.port())) {
      RawHttp.send(
          raw,
          RawHttp.upgrade(
              "/socket/websocket?vsn=2.0.0&token=" + node.token("violator"),
              node.port(),
              offerDeflate
                  ? "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover"
                  : "X-No-Extension: 1"));
      RawHttp.Answer head = RawHttp.readHead(raw);
      assertEquals(101, head.status(), head.raw());
      assertEquals(
          offerDeflate,
          String.valueOf(head.header("Sec-WebSocket-Extensions")).contains("permessage-deflate"),
          head.raw());
      raw.getOutputStream().write(frame);
      raw.getOutputStream().flush();
      int code = RawClient.readCloseCode(raw);
      try (TestSocket bystander = node.connect("bystander")) {
        bystander.join("1", "room:deflate");
        bystander.send("1", "2", "room:deflate", "shout", new JsonObject().put("ok", true));
        bystander.event("room:deflate", "shout");
      }
      return code;
    }
  }

  @Test
  void aCompressedTextFrameThatDoesNotInflateIs1007() throws Exception {
    byte[] garbage = {1, 2, 3, 4, 5, (byte) 0xff, 0x7f};
    assertEquals(1007, closeCodeAfter(RawClient.frame(0xC1, garbage, true)));
  }

  /** More than the user's 100 sockets in a row: each closed one was let go of. */
  @Test
  void socketsClosedForBadCompressedDataAreReleased() throws Exception {
    byte[] garbage = {1, 2, 3, 4, 5, (byte) 0xff, 0x7f};
    for (int i = 0; i < 130; i++) {
      try (Socket raw = RawHttp.open(node.port())) {
        RawHttp.send(
            raw,
            RawHttp.upgrade(
                "/socket/websocket?vsn=2.0.0&token=" + node.token("repeat"),
                node.port(),
                "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover"));
        RawHttp.Answer head = RawHttp.readHead(raw);
        assertEquals(101, head.status(), "attempt " + i + ": " + head.raw());
        raw.getOutputStream().write(RawClient.frame(0xC1, garbage, true));
        raw.getOutputStream().flush();
        assertEquals(1007, RawClient.readCloseCode(raw), "attempt " + i);
      }
    }
  }

  /**
   * Found by FuzzTest: with compression on, RSV bits were accepted on every socket, also those that
   * never negotiated it.
   */
  @Test
  void reservedBitsOnASocketWithoutTheExtensionAreAProtocolError() throws Exception {
    byte[] heartbeat = "[null,\"1\",\"phoenix\",\"heartbeat\",{}]".getBytes(UTF_8);
    for (int rsv : new int[] {0x40, 0x20, 0x10}) {
      assertEquals(1002, closeCodeAfter(RawClient.frame(0x81 | rsv, heartbeat, true), false));
    }
  }

  @Test
  void rsv2OrRsv3OnACompressedSocketAreAProtocolError() throws Exception {
    byte[] heartbeat = "[null,\"1\",\"phoenix\",\"heartbeat\",{}]".getBytes(UTF_8);
    assertEquals(1002, closeCodeAfter(RawClient.frame(0xA1, heartbeat, true)));
    assertEquals(1002, closeCodeAfter(RawClient.frame(0x91, heartbeat, true)));
  }

  @Test
  void aCompressedBinaryFrameThatDoesNotInflateIs1007() throws Exception {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0};
    assertEquals(1007, closeCodeAfter(RawClient.frame(0xC2, garbage, true)));
  }
}
