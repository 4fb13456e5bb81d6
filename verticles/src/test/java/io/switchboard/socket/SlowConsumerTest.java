package io.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.RawClient;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading is cut off once its unsent backlog passes {@code
 * limits.maxOutboundBytes}; the other subscribers of the topic keep receiving everything.
 */
class SlowConsumerTest {
  static final int MAX_PUBLISHES = 4_000;
  static io.vertx.core.http.HttpClient http;

  @Test
  void aStuckClientIsDisconnectedAndTheOthersKeepReceiving() throws Exception {
    try (TestNode node = TestNode.start(c -> c.limits().maxOutboundBytes(262_144));
        TestSocket bystander = node.connect("reader");
        Socket stuck = new Socket()) {
      bystander.join("1", "chat:slow");
      stuck.setReceiveBufferSize(4096);
      stuck.connect(new InetSocketAddress("127.0.0.1", node.port()), 5_000);
      stuck.setSoTimeout(10_000);
      handshakeAndJoin(stuck, node.token("stuck"), node.port());
      // From here on the stuck client reads nothing.

      String filler = "x".repeat(16_384);
      int sent = 0;
      http = node.vertx.createHttpClient();
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      while (sent % 10 != 0 || closes(node, "4008") < 1) {
        if (++sent > MAX_PUBLISHES || System.nanoTime() > deadline) {
          throw new AssertionError("not cut off after " + MAX_PUBLISHES + " broadcasts of 16 KB");
        }
        Await.result(
            node.vertx
                .eventBus()
                .request(
                    Addresses.PUBLISH,
                    new JsonObject()
                        .put("topic", "chat:slow")
                        .put("event", "message")
                        .put("payload", new JsonObject().put("n", sent).put("filler", filler))));
        // The reading client keeps up (so it is never the slow one); the stuck one falls behind.
        assertEquals(
            sent,
            bystander.event("chat:slow", "message").getJsonObject(4).getInteger("n"),
            "in order");
      }
      Await.result(
          node.vertx
              .eventBus()
              .request(
                  Addresses.PUBLISH,
                  new JsonObject()
                      .put("topic", "chat:slow")
                      .put("event", "message")
                      .put("payload", new JsonObject().put("n", "last"))));
      assertEquals("last", bystander.event("chat:slow", "message").getJsonObject(4).getString("n"));
      assertTrue(drainsToEnd(stuck.getInputStream()), "the stuck client's connection was closed");
      Await.until(
          "paused-socket gauge back to 0", () -> metric(node, "switchboard_paused_sockets") == 0.0);
      System.out.printf(
          "[slow consumer] cut off after %d broadcasts of 16 KB (limit 256 KB)%n", sent);
    }
  }

  @Test
  void aClientThatReadsIsNotCutOffForFramesNotFlushedYet() {
    // With a write delay, frames wait in the server for their flush; only what the kernel then
    // refuses counts against maxOutboundBytes. Ten 12 KB broadcasts inside one 1 s delay: 120 KB
    // unflushed, limit 64 KB (the kernel then needs to take only 56 KB of the flush, well within a
    // loopback socket's buffers).
    try (TestNode node =
            TestNode.start(c -> c.limits().maxOutboundBytes(65_536).writeDelayMs(1000));
        TestSocket reader = node.connect("reader")) {
      reader.join("1", "chat:burst");
      String filler = "x".repeat(12_000);
      for (int i = 0; i < 10; i++) {
        Await.result(
            node.vertx
                .eventBus()
                .request(
                    Addresses.PUBLISH,
                    new JsonObject()
                        .put("topic", "chat:burst")
                        .put("event", "message")
                        .put("payload", new JsonObject().put("n", i).put("filler", filler))));
      }
      for (int i = 0; i < 10; i++) {
        assertEquals(i, reader.event("chat:burst", "message").getJsonObject(4).getInteger("n"));
      }
      assertFalse(reader.isClosed(), "a client that reads was cut off");
    }
  }

  private static void handshakeAndJoin(Socket s, String token, int port) throws Exception {
    RawClient.upgrade(s, token, port);
    s.getOutputStream().write(RawClient.maskedText("[\"1\",\"1\",\"chat:slow\",\"phx_join\",{}]"));
    s.getOutputStream().flush();
  }

  /** Reads until the server's close ends the stream (or it is reset). */
  private static boolean drainsToEnd(InputStream in) {
    byte[] buf = new byte[65_536];
    try {
      while (in.read(buf) >= 0) {
        // discard what was buffered before the cut
      }
      return true;
    } catch (java.net.SocketException reset) {
      return true;
    } catch (java.io.IOException timeout) {
      return false;
    }
  }

  static double closes(TestNode node, String code) {
    double v = metric(node, "websocket_server_closes_total{code=\"" + code + "\"}");
    return Double.isNaN(v) ? 0 : v;
  }

  static double metric(TestNode node, String series) {
    return Scrape.value(http, node.main.metricsPort(), series);
  }
}
