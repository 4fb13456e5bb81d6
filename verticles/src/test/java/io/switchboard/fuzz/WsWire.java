package io.switchboard.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * RFC 6455 frames as bytes, written the way the fuzzer wants them rather than the way a client
 * library would: any first byte (FIN, RSV bits, opcode), masked or not, and a length field that may
 * disagree with the payload that follows.
 */
final class WsWire {
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;
  static final int FIN = 0x80;

  private WsWire() {}

  /** A well-formed masked client text frame. */
  static byte[] text(String s) {
    return frame(FIN | TEXT, s.getBytes(StandardCharsets.UTF_8), true, 0x5a17c3e1);
  }

  static byte[] text(byte[] utf8) {
    return frame(FIN | TEXT, utf8, true, 0x5a17c3e1);
  }

  static byte[] binary(byte[] payload) {
    return frame(FIN | BINARY, payload, true, 0x0badf00d);
  }

  /** A frame whose length field tells the truth. */
  static byte[] frame(int firstByte, byte[] payload, boolean masked, int mask) {
    return frame(firstByte, payload, masked, mask, payload.length);
  }

  /**
   * A frame whose length field says {@code declaredLength}, followed by {@code payload} (which may
   * be shorter or longer than that). The length uses the shortest form that holds it, unless it is
   * negative, which forces the 64-bit form with that value.
   */
  static byte[] frame(
      int firstByte, byte[] payload, boolean masked, int mask, long declaredLength) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
    out.write(firstByte);
    int maskBit = masked ? 0x80 : 0;
    if (declaredLength >= 0 && declaredLength < 126) {
      out.write(maskBit | (int) declaredLength);
    } else if (declaredLength >= 0 && declaredLength <= 0xffff) {
      out.write(maskBit | 126);
      out.write((int) (declaredLength >> 8) & 0xff);
      out.write((int) declaredLength & 0xff);
    } else {
      out.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (declaredLength >> shift) & 0xff);
      }
    }
    byte[] key = {(byte) (mask >> 24), (byte) (mask >> 16), (byte) (mask >> 8), (byte) mask};
    if (masked) {
      out.writeBytes(key);
    }
    for (int i = 0; i < payload.length; i++) {
      out.write(masked ? payload[i] ^ key[i & 3] : payload[i]);
    }
    return out.toByteArray();
  }

  /** A close frame's payload: the code, then the reason. */
  static byte[] closePayload(int code, byte[] reason) {
    byte[] p = new byte[2 + reason.length];
    p[0] = (byte) (code >> 8);
    p[1] = (byte) code;
    System.arraycopy(reason, 0, p, 2, reason.length);
    return p;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** One frame from the server (never masked, as the RFC requires of a server). */
  record ServerFrame(int opcode, boolean fin, boolean rsv1, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code, 1005 when the close frame carries none. */
    int closeCode() {
      return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }
  }
}
