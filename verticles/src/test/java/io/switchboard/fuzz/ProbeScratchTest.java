package io.switchboard.fuzz;

import io.switchboard.support.TestNode;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class ProbeScratchTest {
  static byte[] deflate(byte[] in) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(in);
    byte[] out = new byte[in.length + 64];
    int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
    // strip 00 00 ff ff tail
    return java.util.Arrays.copyOf(out, n - 4);
  }

  @Test
  void probe() throws Exception {
    try (TestNode node = TestNode.start(c -> c.compression().permessageDeflate(true))) {
      byte[] hb = "[null,\"s1\",\"phoenix\",\"heartbeat\",{}]".getBytes();
      byte[] garbage = {1, 2, 3, 4, 5, (byte) 0xff, 0x7f};
      byte[][] attacks = {
        WsWire.frame(0xC1, deflate(hb), true, 7),
        WsWire.frame(0xC1, garbage, true, 7),
        WsWire.frame(0xC2, garbage, true, 7),
        WsWire.frame(0xC9, new byte[3], true, 7),
        WsWire.concat(
            WsWire.frame(0x41, deflate(hb), true, 7), WsWire.frame(0xC0, new byte[0], true, 7)),
        WsWire.concat(WsWire.frame(0x01, hb, true, 7), WsWire.frame(0xC0, garbage, true, 7)),
        WsWire.frame(0xC1, deflate(new byte[200_000]), true, 7),
        WsWire.frame(0xC1, new byte[0], true, 7),
      };
      for (byte[] a : attacks) {
        try (RawWebSocket ws =
            RawWebSocket.open(
                node.port(),
                "/socket/websocket?vsn=2.0.0&token=" + node.token("u"),
                "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n")) {
          ws.write(a);
          ws.write(WsWire.text("[null,\"s2\",\"phoenix\",\"heartbeat\",{}]"));
          for (int i = 0; i < 3; i++) {
            var f = ws.next(3000);
            System.out.println(
                "PROBE "
                    + FuzzInput.hex(a, 6)
                    + " -> "
                    + f.map(
                            x ->
                                x.opcode()
                                    + " rsv"
                                    + " "
                                    + (x.opcode() == 8 ? x.closeCode() + " " : "")
                                    + FuzzInput.hex(x.payload(), 40))
                        .orElse("end " + ws.lastEnd));
            if (f.isEmpty() || f.get().opcode() == 8) break;
          }
        }
      }
    }
  }
}
