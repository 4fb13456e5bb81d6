package io.switchboard.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Phoenix V2 binary frames with bad headers: kinds other than a client push (0), frames shorter
 * than their header, field lengths that run past the end, zero-length topics and events, invalid
 * UTF-8 in header fields, and well-formed pushes to joined and unjoined topics. What the server
 * must answer follows V2BinaryCodec: once the ref and topic were read, an error reply; before,
 * 1007.
 */
final class BinaryFrames {
  private final SplittableRandom rnd;
  private int serial;

  BinaryFrames(SplittableRandom rnd) {
    this.rnd = rnd;
  }

  FuzzInput next(PhoenixState state, String lane) {
    serial++;
    String ref = lane + "-b" + serial;
    int pick = rnd.nextInt(10);
    if (pick == 0) {
      byte[] b = new byte[rnd.nextInt(5)];
      rnd.nextBytes(b);
      return closed("binary frame of " + b.length + " bytes", b);
    }
    if (pick == 1) {
      byte[] b = header(1 + rnd.nextInt(255), "h1", ref, state.home, "shout", new byte[3]);
      return closed("binary kind " + (b[0] & 0xff), b);
    }
    String topic =
        switch (rnd.nextInt(6)) {
          case 0, 1, 2 -> state.home;
          case 3 -> "phoenix";
          case 4 -> "room:other-" + rnd.nextInt(20);
          default -> "room:" + "z".repeat(240 + rnd.nextInt(11)); // at most 255 bytes
        };
    String event =
        switch (rnd.nextInt(6)) {
          case 0, 1 -> "shout";
          case 2 -> "heartbeat";
          case 3 -> "phx_join";
          case 4 -> "access_token";
          default -> "nope";
        };
    String jr =
        rnd.nextInt(4) == 0
            ? "x" + rnd.nextInt(9)
            : Objects.requireNonNullElse(state.joinRef(topic), "");
    byte[][] fields = {utf8(jr), utf8(ref), utf8(topic), utf8(event)};
    for (int i = 0; i < 4; i++) {
      // A header field's length is one byte (a JSON join may have left a 10,000-char join_ref).
      fields[i] = FrameAttacks.slice(fields[i], 0, Math.min(255, fields[i].length));
    }
    if (pick == 2) {
      // One field empty.
      int which = rnd.nextInt(4);
      fields[which] = new byte[0];
    }
    boolean badUtf8 = pick == 3;
    if (badUtf8) {
      int which = rnd.nextInt(4);
      byte[] bad = FrameAttacks.INVALID_UTF8[rnd.nextInt(FrameAttacks.INVALID_UTF8.length)];
      fields[which] =
          FrameAttacks.slice(
              WsWire.concat(fields[which], bad),
              0,
              Math.min(255, fields[which].length + bad.length));
    }
    byte[] payload =
        new byte[rnd.nextInt(10) == 0 ? 70_000 + rnd.nextInt(10_000) : rnd.nextInt(200)];
    rnd.nextBytes(payload);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    int overflowAt = pick == 4 ? rnd.nextInt(4) : -1;
    int[] sizes = new int[4];
    for (int i = 0; i < 4; i++) {
      sizes[i] = fields[i].length;
    }
    int bodyLength = 0;
    for (byte[] f : fields) {
      bodyLength += f.length;
    }
    if (overflowAt >= 0) {
      // The field's length says more than the rest of the frame holds.
      payload = new byte[0];
      int before = 0;
      for (int i = 0; i < overflowAt; i++) {
        before += sizes[i];
      }
      int left = bodyLength - before;
      sizes[overflowAt] = Math.min(255, left + 1 + rnd.nextInt(50));
      if (sizes[overflowAt] <= left) {
        overflowAt = -1; // cannot lie with one byte here; a valid frame after all
      }
    }
    for (int s : sizes) {
      out.write(s);
    }
    for (byte[] f : fields) {
      out.writeBytes(f);
    }
    out.writeBytes(payload);
    byte[] frame = out.toByteArray();
    String what =
        "binary push jr="
            + jr
            + " topic="
            + FuzzInput.abbreviate(topic)
            + " event="
            + event
            + (pick == 2 ? " (a field empty)" : "")
            + (badUtf8 ? " (invalid UTF-8 in a field)" : "")
            + (overflowAt >= 0 ? " (field " + overflowAt + " runs past the end)" : "")
            + ", "
            + payload.length
            + " payload bytes";
    byte[] wire = WsWire.binary(frame);
    if (frame.length > JsonFrames.MAX_MESSAGE_BYTES) {
      return new FuzzInput(
          "binary",
          FuzzInput.Target.PHOENIX,
          wire,
          FuzzInput.Expect.CLOSED,
          null,
          what,
          Set.of(1009));
    }
    if (badUtf8) {
      return new FuzzInput(
          "binary",
          FuzzInput.Target.PHOENIX,
          wire,
          FuzzInput.Expect.ANSWERED,
          null,
          what,
          Set.of(1007));
    }
    boolean topicRead = overflowAt < 0 || overflowAt == 3;
    boolean readable = overflowAt < 0 && fields[2].length > 0 && fields[3].length > 0;
    if (!topicRead || (!readable && fields[2].length == 0)) {
      return new FuzzInput(
          "binary",
          FuzzInput.Target.PHOENIX,
          wire,
          FuzzInput.Expect.CLOSED,
          null,
          what,
          Set.of(1007));
    }
    String sentRef = new String(fields[1], StandardCharsets.UTF_8);
    if (!readable) {
      return new FuzzInput(
          "binary",
          FuzzInput.Target.PHOENIX,
          wire,
          FuzzInput.Expect.REPLY,
          sentRef,
          what,
          Set.of(1007));
    }
    String sentJr = fields[0].length == 0 ? null : new String(fields[0], StandardCharsets.UTF_8);
    String sentTopic = new String(fields[2], StandardCharsets.UTF_8);
    String sentEvent = new String(fields[3], StandardCharsets.UTF_8);
    boolean mustReply =
        ("phoenix".equals(sentTopic) && "heartbeat".equals(sentEvent))
            || "phx_join".equals(sentEvent)
            || (!state.uncertain.contains(sentTopic)
                && (!state.isJoined(sentTopic)
                    || Objects.equals(state.joinRef(sentTopic), sentJr)));
    return new FuzzInput(
        "binary",
        FuzzInput.Target.PHOENIX,
        wire,
        mustReply ? FuzzInput.Expect.REPLY : FuzzInput.Expect.ANSWERED,
        mustReply ? sentRef : null,
        what,
        Set.of(1007));
  }

  private static byte[] header(
      int kind, String jr, String ref, String topic, String event, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(kind);
    byte[][] fields = {utf8(jr), utf8(ref), utf8(topic), utf8(event)};
    for (byte[] f : fields) {
      out.write(f.length);
    }
    for (byte[] f : fields) {
      out.writeBytes(f);
    }
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private FuzzInput closed(String what, byte[] frame) {
    return new FuzzInput(
        "binary",
        FuzzInput.Target.PHOENIX,
        WsWire.binary(frame),
        FuzzInput.Expect.CLOSED,
        null,
        what,
        Set.of(1007));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
