package io.switchboard.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * One fuzzing socket on {@code /socket/websocket}: sends an input, then a heartbeat (the sentinel),
 * and reads until the sentinel's reply, a close or EOF. Inbound messages are handled in order, so
 * whatever the input caused comes before the sentinel's reply. Judges the outcome against the
 * input's expectation and the documented reasons and close codes; reconnects (and rejoins its home
 * topic) after each close.
 */
final class PhoenixLane implements AutoCloseable {
  static final int READ_TIMEOUT_MS = 10_000;

  final String name;
  private final FuzzRun run;
  private final String query;
  private RawWebSocket ws;
  private PhoenixState state;
  private int sentinel;

  /** Offers permessage-deflate (without context takeover) and inflates what the server sends. */
  private final boolean deflate;

  PhoenixLane(FuzzRun run, String name, String user, String token) {
    this(run, name, user, token, false);
  }

  PhoenixLane(FuzzRun run, String name, String user, String token, boolean deflate) {
    this.deflate = deflate;
    this.run = run;
    this.name = name;
    this.query = "/socket/websocket?token=" + token + "&vsn=2.0.0";
    this.state = new PhoenixState(user, "room:fuzz-" + name);
  }

  PhoenixState state() throws IOException {
    connected();
    return state;
  }

  private void connected() throws IOException {
    if (ws != null) {
      return;
    }
    ws =
        RawWebSocket.open(
            run.port,
            query,
            deflate
                ? "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n"
                : "");
    state = new PhoenixState(state.user, state.home);
    ws.write(WsWire.text("[\"h1\",\"h1\"," + JsonFrames.quote(state.home) + ",\"phx_join\",{}]"));
    while (true) {
      WsWire.ServerFrame f =
          inflated(
              ws.next(READ_TIMEOUT_MS)
                  .orElseThrow(
                      () -> new IOException("no join reply on a fresh socket: " + ws.lastEnd)));
      if (f.opcode() == WsWire.TEXT) {
        JsonArray a = new JsonArray(f.text());
        if ("h1".equals(a.getString(1)) && "phx_reply".equals(a.getString(3))) {
          state.joined.put(state.home, "h1");
          return;
        }
      }
    }
  }

  /** The last inputs on this socket, for a failure that depends on what came before. */
  private final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();

  private void remember(String what) {
    if (recent.size() == 8) {
      recent.removeFirst();
    }
    recent.addLast(what);
  }

  void send(FuzzInput input) {
    remember(input.printable());
    try {
      connected();
    } catch (IOException e) {
      run.fail(input, "could not connect a fuzzing socket before it: " + e);
      return;
    }
    String sentinelRef = name + "-s" + (++sentinel);
    try {
      ws.write(input.bytes());
      if (input.expect() == FuzzInput.Expect.DROPPED) {
        ws.shutdownOutput();
      } else {
        ws.write(WsWire.text("[null,\"" + sentinelRef + "\",\"phoenix\",\"heartbeat\",{}]"));
      }
    } catch (IOException writeFailed) {
      // The server closed while the input was still being written (1009 on a huge frame): what
      // it sent before is still to be read.
    }
    judge(input, sentinelRef);
  }

  private void judge(FuzzInput input, String sentinelRef) {
    boolean replied = false;
    try {
      while (true) {
        Optional<WsWire.ServerFrame> next = ws.next(READ_TIMEOUT_MS);
        if (next.isEmpty()) {
          if (ws.lastEnd == RawWebSocket.End.TIMEOUT) {
            run.fail(input, "no answer within " + READ_TIMEOUT_MS + " ms (a hang)");
          } else if (input.expect() != FuzzInput.Expect.DROPPED) {
            run.fail(input, "connection dropped without a close frame");
          } else {
            run.handled(input, "dropped");
          }
          reset();
          return;
        }
        WsWire.ServerFrame f = inflated(next.get());
        switch (f.opcode()) {
          case WsWire.CLOSE -> {
            int code = f.closeCode();
            if (!input.closes().contains(code)) {
              run.fail(input, "closed with " + code + ", expected one of " + input.closes());
            } else {
              run.handled(input, "close " + code);
            }
            reset();
            return;
          }
          case WsWire.TEXT -> {
            JsonArray a;
            try {
              a = new JsonArray(f.text());
            } catch (RuntimeException e) {
              run.fail(input, "the server sent a frame that is not JSON: " + f.text());
              reset();
              return;
            }
            if (!"phx_reply".equals(a.getString(3))) {
              track(a);
              continue;
            }
            JsonObject reply = a.getJsonObject(4);
            String status = reply.getString("status");
            if ("error".equals(status)) {
              String reason = reply.getJsonObject("response").getString("reason");
              if (!Documented.reason(reason)) {
                run.fail(input, "undocumented reason " + reason);
              }
            } else if (!"ok".equals(status)) {
              run.fail(input, "reply status " + status);
            }
            if (sentinelRef.equals(a.getString(1))) {
              sentinelAnswered(input, replied);
              return;
            }
            if (input.ref() != null && input.ref().equals(a.getString(1))) {
              replied = true;
              if ("ok".equals(status)) {
                joinedOrLeft(input, a);
              }
            }
          }
          default -> {
            // binary broadcasts, pongs: nothing to judge
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      run.fail(input, "reading the answer failed: " + e);
      reset();
    }
  }

  private void sentinelAnswered(FuzzInput input, boolean replied) {
    switch (input.expect()) {
      case CLOSED, DROPPED -> run.fail(input, "the socket stayed open, expected a close");
      case REPLY -> {
        if (replied) {
          run.handled(input, "reply");
        } else {
          run.fail(
              input,
              "no reply to ref "
                  + FuzzInput.abbreviate(input.ref())
                  + "; joined as the lane saw it "
                  + state.joined.keySet().stream()
                      .map(t -> FuzzInput.abbreviate(t) + "=" + state.joined.get(t))
                      .toList()
                  + "; the inputs before it: "
                  + recent);
        }
      }
      default -> run.handled(input, replied ? "reply" : "answered");
    }
  }

  /** A join or leave the server accepted changes what later frames must get. */
  private void joinedOrLeft(FuzzInput input, JsonArray reply) {
    String topic = reply.getString(2);
    String event;
    try {
      byte[] text = payloadOf(input);
      if ((input.bytes()[0] & 0x40) != 0) { // sent compressed (DeflateFrames)
        text = inflated(new WsWire.ServerFrame(WsWire.TEXT, true, true, text)).payload();
      }
      event = new JsonArray(FuzzInput.utf8(text)).getString(3);
    } catch (IOException | RuntimeException unreadable) {
      return;
    }
    if ("phx_join".equals(event)) {
      state.joined.put(topic, reply.getString(0));
    } else if ("phx_leave".equals(event)) {
      state.joined.remove(topic);
    }
  }

  /**
   * phx_error ends a channel. phx_close does not tell: it follows a leave's ok (tracked there) and
   * a duplicate join's ok, for the old join_ref, which may equal the new one.
   */
  private void track(JsonArray frame) {
    if ("phx_error".equals(frame.getString(3))) {
      String topic = frame.getString(2);
      if (state.isJoined(topic) && Objects.equals(state.joinRef(topic), frame.getString(0))) {
        state.joined.remove(topic);
      }
    }
  }

  /** The text of a single masked frame as the generators write it. */
  static byte[] payloadOf(FuzzInput input) {
    byte[] b = input.bytes();
    int len = b[1] & 0x7f;
    int at = 2;
    if (len == 126) {
      len = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
      at = 4;
    } else if (len == 127) {
      len = (int) java.nio.ByteBuffer.wrap(b, 2, 8).getLong();
      at = 10;
    }
    byte[] key = {b[at], b[at + 1], b[at + 2], b[at + 3]};
    byte[] out = new byte[len];
    for (int i = 0; i < len; i++) {
      out[i] = (byte) (b[at + 4 + i] ^ key[i & 3]);
    }
    return out;
  }

  /** A compressed server message (RSV1), inflated: each on its own, without context takeover. */
  private static WsWire.ServerFrame inflated(WsWire.ServerFrame f) throws IOException {
    if (!f.rsv1()) {
      return f;
    }
    java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
    try {
      inflater.setInput(WsWire.concat(f.payload(), new byte[] {0, 0, (byte) 0xff, (byte) 0xff}));
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!inflater.needsInput() && !inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsDictionary() || inflater.needsInput())) {
          break;
        }
        out.write(buf, 0, n);
      }
      return new WsWire.ServerFrame(f.opcode(), f.fin(), false, out.toByteArray());
    } catch (java.util.zip.DataFormatException e) {
      throw new IOException("the server sent a compressed frame that does not inflate", e);
    } finally {
      inflater.end();
    }
  }

  private void reset() {
    remember("(reconnect)");
    if (ws != null) {
      ws.close();
      ws = null;
    }
  }

  @Override
  public void close() {
    reset();
  }
}
