package io.switchboard.fuzz;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Optional;

/**
 * One raw SockJS WebSocket on {@code /eventbus/websocket}: sends an input, then a push to {@code
 * switchboard.bridge.push} with a reply address of its own (the sentinel), and reads until the
 * sentinel's reply (and the input's, when it was a push the bridge lets through), or a close.
 * Bridge replies are asynchronous, so both are awaited in any order. Every {@code err} must carry a
 * documented error or failure code.
 */
final class BridgeLane implements AutoCloseable {
  final String name;
  private final FuzzRun run;
  private final String path;
  private RawWebSocket ws;
  private int sentinel;

  BridgeLane(FuzzRun run, String name, String token) {
    this.run = run;
    this.name = name;
    this.path = "/eventbus/websocket?token=" + token;
  }

  void send(FuzzInput input) {
    try {
      if (ws == null) {
        ws = RawWebSocket.open(run.port, path);
      }
    } catch (IOException e) {
      run.fail(input, "could not connect a bridge socket before it: " + e);
      return;
    }
    String sentinelRef = name + "-s" + (++sentinel);
    try {
      ws.write(input.bytes());
      ws.write(
          WsWire.text(
              "{\"type\":\"send\",\"address\":\""
                  + BridgeMessages.PUSH
                  + "\",\"replyAddress\":\""
                  + sentinelRef
                  + "\",\"body\":{\"topic\":\"room:fuzz-bridge\",\"event\":\"shout\","
                  + "\"payload\":{}}}"));
    } catch (IOException writeFailed) {
      // closed while writing: read what came before
    }
    boolean sentinelSeen = false;
    boolean replied = input.expect() != FuzzInput.Expect.REPLY;
    try {
      while (!sentinelSeen || !replied) {
        Optional<WsWire.ServerFrame> next = ws.next(PhoenixLane.READ_TIMEOUT_MS);
        if (next.isEmpty()) {
          run.fail(
              input,
              ws.lastEnd == RawWebSocket.End.TIMEOUT
                  ? "no answer within "
                      + PhoenixLane.READ_TIMEOUT_MS
                      + " ms"
                      + (sentinelSeen ? " to the input's reply address" : "")
                  : "connection dropped without a close frame");
          reset();
          return;
        }
        WsWire.ServerFrame f = next.get();
        if (f.opcode() == WsWire.CLOSE) {
          if (input.closes().contains(f.closeCode())) {
            run.handled(input, "close " + f.closeCode());
          } else {
            run.fail(input, "closed with " + f.closeCode());
          }
          reset();
          return;
        }
        if (f.opcode() != WsWire.TEXT && f.opcode() != WsWire.BINARY) {
          continue; // SockJS's raw WebSocket sends its JSON in binary frames
        }
        JsonObject m;
        try {
          m = new JsonObject(f.text());
        } catch (RuntimeException e) {
          run.fail(input, "the bridge sent text that is not a JSON object: " + f.text());
          continue;
        }
        String address = m.getValue("address") instanceof String a ? a : null;
        if ("err".equals(m.getValue("type"))) {
          if (address != null) {
            if (!(m.getValue("failureCode") instanceof Integer code)
                || !BridgeMessages.FAILURE_CODES.contains(code)) {
              run.fail(input, "error reply with failure code " + m.getValue("failureCode"));
            }
          } else if (!BridgeMessages.ERRORS.contains(String.valueOf(m.getValue("body")))) {
            run.fail(input, "undocumented bridge error " + m.getValue("body"));
          }
        }
        if (sentinelRef.equals(address)) {
          if (!"rec".equals(m.getValue("type"))) {
            run.fail(input, "the sentinel push was refused: " + m.encode());
          }
          sentinelSeen = true;
        } else if (input.ref() != null && input.ref().equals(address)) {
          replied = true;
        }
      }
      run.handled(input, input.expect() == FuzzInput.Expect.REPLY ? "reply" : "answered");
    } catch (IOException | RuntimeException e) {
      run.fail(input, "reading the answer failed: " + e);
      reset();
    }
  }

  private void reset() {
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
