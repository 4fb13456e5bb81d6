package io.switchboard.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.TestNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js/phoenix-client.test.js} (Node's test runner, the official {@code phoenix} client from
 * the lockfile, installed by the build's {@code npm ci}) against a real node started here.
 */
public class PhoenixJsClientTest {
  private static final File JS_DIR = new File("src/test/js");
  private static final long PROCESS_DEADLINE_SECONDS = 120;
  private static final String API_KEY = "phoenix-client-test-key";

  @Test
  void officialPhoenixClientPassesTheAcceptanceSuite() throws Exception {
    try (TestNode node = TestNode.start(c -> c.getJsonObject("api").put("key", API_KEY))) {
      Map<String, String> env = Map.of(
          "SWITCHBOARD_SOCKET_URL", "ws://127.0.0.1:" + node.port() + "/socket",
          "SWITCHBOARD_API_URL", "http://127.0.0.1:" + node.port() + "/api",
          "SWITCHBOARD_API_KEY", API_KEY,
          "TOKEN_ALICE", node.token("alice"), "TOKEN_BOB", node.token("bob"), "TOKEN_CAROL", node.token("carol"));
      runNodeTests("phoenix-client.test.js", env, line -> { });
    }
  }

  /** Runs one file under Node's test runner and asserts it passed; {@code onLine} sees every output line. */
  public static void runNodeTests(String file, Map<String, String> env, Consumer<String> onLine) throws Exception {
    assertTrue(new File(JS_DIR, "node_modules/phoenix").isDirectory(),
        "node_modules missing: the build runs 'npm ci' in src/test/js before the tests");
    ProcessBuilder pb = new ProcessBuilder("node", "--test", "--test-reporter=spec", file)
        .directory(JS_DIR).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process process = pb.start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        output.append(line).append('\n');
        onLine.accept(line);
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
