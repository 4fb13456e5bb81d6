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

  /** A client frame with the given first byte (FIN, RSV, opcode), masked with a zero mask. */
  public static byte[] frame(int firstByte, byte[] payload, boolean masked) {
    int len = payload.length;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(firstByte);
    int maskBit = masked ? 0x80 : 0;
    if (len < 126) {
      out.write(maskBit | len);
    } else {
      out.write(maskBit | 126);
      out.write(len >> 8);
      out.write(len & 0xff);
    }
    if (masked) {
      out.writeBytes(new byte[4]);
    }
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /**
   * Reads server frames until a close frame and returns its code: -1 if the connection ended
   * without one, 1005 for a close frame without a code.
   */
  public static int readCloseCode(Socket s) throws Exception {
    s.setSoTimeout(10_000);
    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
    try {
      while (true) {
        int b0 = in.readUnsignedByte();
        int len = in.readUnsignedByte() & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = (int) in.readLong();
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        if ((b0 & 0x0f) == 0x8) {
          return len < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
      }
    } catch (java.io.EOFException | java.net.SocketException ended) {
      return -1;
    }
  }
}
