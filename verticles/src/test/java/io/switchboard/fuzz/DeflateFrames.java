package io.switchboard.fuzz;

import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.Deflater;

/**
 * For a socket that negotiated permessage-deflate (RFC 7692): the JSON generator's frames sent
 * compressed (RSV1, raw deflate without its final empty block), and compressed frames whose data
 * does not inflate, which must close with 1007.
 */
final class DeflateFrames {
  private final SplittableRandom rnd;
  private final JsonFrames json;

  DeflateFrames(SplittableRandom rnd) {
    this.rnd = rnd;
    this.json = new JsonFrames(rnd);
  }

  FuzzInput next(PhoenixState state, String lane) {
    if (rnd.nextInt(5) == 0) {
      byte[] garbage = new byte[1 + rnd.nextInt(60)];
      rnd.nextBytes(garbage);
      garbage[0] = (byte) (garbage[0] | 0x06); // BTYPE 11: a block type no inflater accepts
      int op = rnd.nextBoolean() ? WsWire.TEXT : WsWire.BINARY;
      return new FuzzInput(
          "deflate",
          FuzzInput.Target.PHOENIX_DEFLATE,
          WsWire.frame(0xC0 | op, garbage, true, rnd.nextInt()),
          FuzzInput.Expect.CLOSED,
          null,
          "compressed "
              + (op == WsWire.TEXT ? "text" : "binary")
              + " frame that does not inflate: "
              + FuzzInput.hex(garbage, 16),
          Set.of(1007));
    }
    FuzzInput plain = json.next(state, lane);
    byte[] text = PhoenixLane.payloadOf(plain);
    return new FuzzInput(
        "deflate",
        FuzzInput.Target.PHOENIX_DEFLATE,
        WsWire.frame(0xC1, deflate(text), true, rnd.nextInt()),
        plain.expect(),
        plain.ref(),
        "compressed " + plain.what(),
        plain.closes());
  }

  static byte[] deflate(byte[] in) {
    Deflater d = new Deflater(Deflater.BEST_SPEED, true);
    try {
      d.setInput(in);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      do {
        n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        out.write(buf, 0, n);
      } while (n == buf.length);
      byte[] all = out.toByteArray();
      return java.util.Arrays.copyOf(all, all.length - 4); // RFC 7692 7.2.1: drop 00 00 ff ff
    } finally {
      d.end();
    }
  }
}
