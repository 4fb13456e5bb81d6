package io.switchboard.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js/phoenix-client.test.js} (Node's test runner, the official {@code phoenix} client from
 * the lockfile, installed by the build's {@code npm ci}) against a real node started here.
 */
class PhoenixJsClientTest {
  private static final File JS_DIR = new File("src/test/js");
  private static final long PROCESS_DEADLINE_SECONDS = 120;

  @Test
  void officialPhoenixClientPassesTheAcceptanceSuite() throws Exception {
    assertTrue(new File(JS_DIR, "node_modules/phoenix").isDirectory(),
        "node_modules missing: the build runs 'npm ci' in src/test/js before the tests");
    try (TestNode node = TestNode.start()) {
      ProcessBuilder pb = new ProcessBuilder("node", "--test", "--test-reporter=spec", "phoenix-client.test.js")
          .directory(JS_DIR).redirectErrorStream(true);
      pb.environment().put("SWITCHBOARD_SOCKET_URL", "ws://127.0.0.1:" + node.port() + "/socket");
      pb.environment().put("TOKEN_ALICE", node.token("alice"));
      pb.environment().put("TOKEN_BOB", node.token("bob"));
      pb.environment().put("TOKEN_CAROL", node.token("carol"));
      Process process = pb.start();
      StringBuilder output = new StringBuilder();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          output.append(line).append('\n');
          if (line.contains("READY_FOR_DISCONNECT")) {
            Await.result(node.vertx.eventBus().request(Addresses.PUBLISH,
                new JsonObject().put("topic", "user_socket:carol").put("event", "disconnect")));
          }
        }
      } finally {
        if (!process.waitFor(PROCESS_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
      System.out.println(output);
      assertEquals(0, process.exitValue(), "node test run failed:\n" + output);
      assertTrue(output.toString().contains("fail 0"), output.toString());
    }
  }
}
