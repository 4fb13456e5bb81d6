package io.switchboard.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * RFC 6455 frames that break the framing itself, from the raw TCP client: lying lengths, unmasked
 * client frames, reserved bits and opcodes, control frames over 125 bytes or fragmented,
 * continuation without a start, invalid UTF-8 (lone surrogates encoded as UTF-8 among them), close
 * frames with codes no peer may send, and frames cut short before EOF; with well-formed but unusual
 * ones among them (fragmented messages, pings in between) that must be served as usual. The
 * expected close codes are the RFC's: 1002 protocol error, 1007 invalid data, 1009 too big.
 */
final class FrameAttacks {
  static final Set<Integer> PROTOCOL = Set.of(1002);
  static final Set<Integer> BAD_DATA = Set.of(1007);
  static final Set<Integer> ANY_VIOLATION = Set.of(1002, 1007, 1009);

  /** Byte sequences no UTF-8 decoder may accept. */
  static final byte[][] INVALID_UTF8 = {
    {(byte) 0xC3},
    {(byte) 0xFF},
    {(byte) 0xFE},
    {(byte) 0xC0, (byte) 0x80},
    {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // U+D800 as UTF-8: a lone high surrogate
    {(byte) 0xED, (byte) 0xBF, (byte) 0xBF}, // U+DFFF: a lone low surrogate
    {(byte) 0xED, (byte) 0xA0, (byte) 0xBD, (byte) 0xED, (byte) 0xB8, (byte) 0x80}, // CESU pair
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
    {(byte) 0x80},
    {(byte) 0xE2, (byte) 0x82}
  };

  private final SplittableRandom rnd;
  private int serial;

  FrameAttacks(SplittableRandom rnd) {
    this.rnd = rnd;
  }

  FuzzInput next(String lane) {
    serial++;
    String ref = lane + "-w" + serial;
    byte[] heartbeat =
        ("[null,\"" + ref + "\",\"phoenix\",\"heartbeat\",{}]").getBytes(StandardCharsets.UTF_8);
    int mask = rnd.nextInt();
    return switch (rnd.nextInt(16)) {
      case 0 -> input("unmasked text frame", WsWire.frame(0x81, heartbeat, false, 0), PROTOCOL);
      case 1 -> {
        int rsv = 0x10 << rnd.nextInt(3);
        yield input(
            "RSV bits " + Integer.toHexString(rsv),
            WsWire.frame(0x81 | rsv, heartbeat, true, mask),
            PROTOCOL);
      }
      case 2 -> {
        int[] reserved = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF};
        int op = reserved[rnd.nextInt(reserved.length)];
        yield input(
            "reserved opcode " + op,
            WsWire.frame(0x80 | op, bytes(rnd.nextInt(40)), true, mask),
            PROTOCOL);
      }
      case 3 -> {
        int[] control = {WsWire.CLOSE, WsWire.PING, WsWire.PONG};
        int op = control[rnd.nextInt(3)];
        int len = 126 + rnd.nextInt(rnd.nextBoolean() ? 10 : 70_000);
        yield input(
            "control frame " + op + " of " + len + " bytes",
            WsWire.frame(0x80 | op, bytes(len), true, mask),
            len > JsonFrames.MAX_MESSAGE_BYTES ? Set.of(1002, 1009) : PROTOCOL);
      }
      case 4 -> {
        int op = rnd.nextBoolean() ? WsWire.PING : WsWire.PONG;
        yield input(
            "fragmented control frame " + op,
            WsWire.frame(op, bytes(rnd.nextInt(20)), true, mask),
            PROTOCOL);
      }
      case 5 ->
          input(
              "continuation without a start",
              WsWire.frame(rnd.nextBoolean() ? 0x80 : 0x00, heartbeat, true, mask),
              PROTOCOL);
      case 6 ->
          input(
              "a new text frame inside a fragmented one (the sentinel follows the first fragment)",
              WsWire.frame(0x01, slice(heartbeat, 0, 5), true, mask),
              PROTOCOL);
      case 7 -> invalidUtf8(heartbeat, mask);
      case 8 -> badClose(mask);
      case 9 -> goodClose(mask);
      case 10 -> lyingLength(heartbeat, mask);
      case 11 -> truncated(heartbeat, mask);
      case 12 -> fragmented(heartbeat, ref, mask);
      case 13 -> {
        byte[] p = bytes(rnd.nextInt(126));
        yield new FuzzInput(
            "frame",
            FuzzInput.Target.PHOENIX,
            WsWire.concat(
                WsWire.frame(0x80 | WsWire.PING, p, true, mask),
                WsWire.frame(0x81, heartbeat, true, mask)),
            FuzzInput.Expect.REPLY,
            ref,
            "ping of " + p.length + " bytes, then a heartbeat",
            ANY_VIOLATION);
      }
      case 14 -> {
        // A 64-bit length for a small payload (not the shortest form) or a huge one.
        long declared = rnd.nextBoolean() ? Long.MAX_VALUE : (1L << 32) + rnd.nextInt(1000);
        yield input(
            "64-bit length " + declared,
            WsWire.frame(0x81, heartbeat, true, mask, declared),
            Set.of(1002, 1009));
      }
      default -> {
        byte[] p = bytes(rnd.nextInt(100));
        if (p.length > 0) {
          p[0] |= 1; // never kind 0, a client push that might decode
        }
        yield input("binary garbage frame", WsWire.frame(0x82, p, true, mask), Set.of(1007));
      }
    };
  }

  private FuzzInput invalidUtf8(byte[] heartbeat, int mask) {
    byte[] bad = INVALID_UTF8[rnd.nextInt(INVALID_UTF8.length)];
    int at = rnd.nextInt(heartbeat.length);
    byte[] text =
        WsWire.concat(slice(heartbeat, 0, at), bad, slice(heartbeat, at, heartbeat.length));
    if (rnd.nextBoolean()) {
      // Split across fragments, the bad sequence in the second.
      int cut = Math.max(1, at);
      return input(
          "invalid UTF-8 " + FuzzInput.hex(bad, 8) + " in the second fragment",
          WsWire.concat(
              WsWire.frame(0x01, slice(text, 0, cut), true, mask),
              WsWire.frame(0x80, slice(text, cut, text.length), true, mask)),
          BAD_DATA);
    }
    return input(
        "invalid UTF-8 " + FuzzInput.hex(bad, 8) + " at " + at,
        WsWire.frame(0x81, text, true, mask),
        BAD_DATA);
  }

  private FuzzInput badClose(int mask) {
    int code;
    int pick = rnd.nextInt(6);
    if (pick == 0) {
      return input(
          "close frame with a 1-byte payload",
          WsWire.frame(0x88, new byte[] {0x03}, true, mask),
          PROTOCOL);
    }
    int[] reserved = {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535};
    code = pick < 4 ? reserved[rnd.nextInt(reserved.length)] : 5000 + rnd.nextInt(60_000);
    return input(
        "close with code " + code,
        WsWire.frame(0x88, WsWire.closePayload(code, bytes(rnd.nextInt(20), true)), true, mask),
        PROTOCOL);
  }

  /** A valid close: the server answers with a close of its own (echoing the code) and hangs up. */
  private FuzzInput goodClose(int mask) {
    int[] valid = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4000, 4999};
    int code = valid[rnd.nextInt(valid.length)];
    if (rnd.nextInt(4) == 0) {
      byte[] bad = INVALID_UTF8[rnd.nextInt(INVALID_UTF8.length)];
      return input(
          "close " + code + " with a reason that is not UTF-8",
          WsWire.frame(0x88, WsWire.closePayload(code, bad), true, mask),
          new java.util.HashSet<>(java.util.List.of(1002, 1007, code)));
    }
    return input(
        "close " + code,
        WsWire.frame(0x88, WsWire.closePayload(code, bytes(rnd.nextInt(30), true)), true, mask),
        new java.util.HashSet<>(java.util.List.of(code, 1000)));
  }

  private FuzzInput lyingLength(byte[] heartbeat, int mask) {
    if (rnd.nextBoolean()) {
      // Says more than it sends, then EOF: the server must not wait for the rest for ever.
      long declared = heartbeat.length + 1 + rnd.nextInt(60_000);
      return new FuzzInput(
          "frame",
          FuzzInput.Target.PHOENIX,
          WsWire.frame(0x81, heartbeat, true, mask, declared),
          FuzzInput.Expect.DROPPED,
          null,
          "length " + declared + " for " + heartbeat.length + " bytes, then EOF",
          ANY_VIOLATION);
    }
    // Says less than it sends: the rest reads as the next frame's header, which may announce a
    // length of its own that never comes; EOF follows, and the server must let go.
    long declared = rnd.nextInt(heartbeat.length);
    return new FuzzInput(
        "frame",
        FuzzInput.Target.PHOENIX,
        WsWire.frame(0x81, heartbeat, true, mask, declared),
        FuzzInput.Expect.DROPPED,
        null,
        "length " + declared + " for " + heartbeat.length + " bytes, then EOF",
        ANY_VIOLATION);
  }

  private FuzzInput truncated(byte[] heartbeat, int mask) {
    byte[] whole = WsWire.frame(0x81, heartbeat, true, mask);
    int cut = 1 + rnd.nextInt(whole.length - 1);
    return new FuzzInput(
        "frame",
        FuzzInput.Target.PHOENIX,
        slice(whole, 0, cut),
        FuzzInput.Expect.DROPPED,
        null,
        "frame cut at " + cut + " of " + whole.length + " bytes, then EOF",
        ANY_VIOLATION);
  }

  /** A heartbeat in 2 to 40 fragments, pings between them: valid, so it must be answered. */
  private FuzzInput fragmented(byte[] heartbeat, String ref, int mask) {
    int parts = 2 + rnd.nextInt(Math.min(39, heartbeat.length - 1));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int at = 0;
    for (int i = 0; i < parts; i++) {
      int end =
          i == parts - 1
              ? heartbeat.length
              : at + 1 + rnd.nextInt(Math.max(1, (heartbeat.length - at) / 2));
      end = Math.min(end, heartbeat.length - (parts - 1 - i));
      end = Math.max(end, at + 1);
      int first = (i == 0 ? WsWire.TEXT : 0) | (i == parts - 1 ? WsWire.FIN : 0);
      out.writeBytes(WsWire.frame(first, slice(heartbeat, at, end), true, mask));
      if (rnd.nextInt(4) == 0) {
        out.writeBytes(WsWire.frame(0x80 | WsWire.PING, bytes(rnd.nextInt(10)), true, mask));
      }
      at = end;
    }
    return new FuzzInput(
        "frame",
        FuzzInput.Target.PHOENIX,
        out.toByteArray(),
        FuzzInput.Expect.REPLY,
        ref,
        "a heartbeat in " + parts + " fragments",
        ANY_VIOLATION);
  }

  private FuzzInput input(String what, byte[] bytes, Set<Integer> closes) {
    return new FuzzInput(
        "frame", FuzzInput.Target.PHOENIX, bytes, FuzzInput.Expect.CLOSED, null, what, closes);
  }

  private byte[] bytes(int n) {
    return bytes(n, false);
  }

  private byte[] bytes(int n, boolean ascii) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (ascii ? 'a' + rnd.nextInt(26) : rnd.nextInt(256));
    }
    return b;
  }

  static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }
}
