package io.switchboard.batching;

import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.auth.TokenVerifier;
import io.switchboard.config.ConfigReader;
import io.switchboard.node.ConfigLoader;
import io.switchboard.support.Await;
import io.switchboard.support.NodeProcess;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The jar stopped by SIGTERM: while the sockets drain, routing and batching still run, so a push to
 * a batch topic from a socket not yet closed is batched and delivered before that socket gets its
 * 1012 (nothing lost on shutdown).
 */
class ShutdownDrainBatchingIT {

  @Test
  void aBatchPushedDuringTheDrainIsDeliveredBeforeTheSocketCloses() throws Exception {
    // One socket closed per drain step, steps 3 s apart: the second socket stays open well after
    // the first closes.
    Map<String, String> env =
        Map.of("SWITCHBOARD_DRAIN_BATCH_SIZE", "1", "SWITCHBOARD_DRAIN_INTERVAL_MS", "3000");
    Vertx vertx = Vertx.vertx();
    try (NodeProcess node = NodeProcess.startSingle(env)) {
      WebSocketClient ws = vertx.createWebSocketClient();
      TokenVerifier signer =
          TokenVerifier.create(
              vertx, ConfigReader.read(ConfigLoader.builtIn()).auth(), TestNode.SECRET);
      String query1 = "token=" + signer.issue("u1", List.of(), 600) + "&vsn=2.0.0";
      String query2 = "token=" + signer.issue("u2", List.of(), 600) + "&vsn=2.0.0";
      try (TestSocket s1 = TestSocket.connect(ws, node.port(), query1);
          TestSocket s2 = TestSocket.connect(ws, node.port(), query2)) {
        assertEquals("ok", status(s1.join("1", "batch:drain")));
        assertEquals("ok", status(s2.join("1", "batch:drain")));

        node.process.destroy(); // SIGTERM
        // The first drain step closes one of the two (which one is the server's pick) at once; the
        // other waits 3 s.
        CompletableFuture.anyOf(s1.closed, s2.closed)
            .get(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        TestSocket first = s1.isClosed() ? s1 : s2;
        TestSocket open = first == s1 ? s2 : s1;
        assertEquals(1012, first.closeCode());

        open.send(
            "1",
            "during-drain",
            "batch:drain",
            "add_message",
            new JsonObject().put("m", "during-drain"));
        assertEquals("ok", status(open.reply("during-drain")));
        JsonArray batch = open.event("batch:drain", "batch");
        assertEquals(
            "[{\"m\":\"during-drain\"}]", batch.getJsonObject(4).getJsonArray("messages").encode());
        assertEquals(1012, open.closeCode());
      }
      int exit = node.awaitExit(60);
      assertTrue(
          exit == 0 || exit == 143, "exit code " + exit + "\n" + String.join("\n", node.output));
    } finally {
      Await.result(vertx.close());
    }
  }
}
