package io.switchboard.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client on a plain {@link Socket}, for what a well-behaved client library will not do:
 * stop reading, or put several frames (a bad one first) into one TCP write.
 */
public final class RawClient {
  private RawClient() {}

  /** Sends the upgrade request on a connected socket and reads the 101 response. */
  public static void upgrade(Socket s, String token, int port) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /socket/websocket?token="
                + token
                + "&vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
  }

  /**
   * A client text frame (masked, as RFC 6455 requires, with a zero mask); payloads under 126 bytes.
   */
  public static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    if (payload.length >= 126) {
      throw new IllegalArgumentException("short frames only: " + payload.length + " bytes");
    }
    byte[] frame = new byte[2 + 4 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(payload, 0, frame, 6, payload.length);
    return frame;
  }
}
