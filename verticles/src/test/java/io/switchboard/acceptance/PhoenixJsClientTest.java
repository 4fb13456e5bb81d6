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
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js/phoenix-client.test.js} (Node's test runner, the official {@code phoenix}
 * client from the lockfile, installed by the build's {@code npm ci}) against a real node started
 * here.
 */
public class PhoenixJsClientTest {
  private static final File JS_DIR = new File("src/test/js");
  private static final long PROCESS_DEADLINE_SECONDS = 120;

  /**
   * Per JS test: Node's runner has no default timeout, and a hung test would hold the file to the
   * deadline.
   */
  private static final long TEST_TIMEOUT_MILLIS = 90_000;

  private static final String API_KEY = "phoenix-client-test-key";

  @Test
  void officialPhoenixClientPassesTheAcceptanceSuite() throws Exception {
    try (TestNode node = TestNode.start(c -> c.api().key(API_KEY))) {
      Map<String, String> env =
          Map.of(
              "SWITCHBOARD_SOCKET_URL",
              "ws://127.0.0.1:" + node.port() + "/socket",
              "SWITCHBOARD_API_URL",
              "http://127.0.0.1:" + node.port() + "/api",
              "SWITCHBOARD_API_KEY",
              API_KEY,
              "TOKEN_ALICE",
              node.token("alice"),
              "TOKEN_BOB",
              node.token("bob"),
              "TOKEN_CAROL",
              node.token("carol"));
      runNodeTests("phoenix-client.test.js", env, line -> {});
    }
  }

  /**
   * {@code src/test/js/longpoll-client.test.js}: the stock client with {@code transport: LongPoll}
   * beside WebSocket clients (join, push, broadcast both ways, presence, binary, a refused token, a
   * user disconnect it recovers from).
   */
  @Test
  void officialPhoenixClientOverLongPoll() throws Exception {
    try (TestNode node = TestNode.start(c -> c.api().key(API_KEY))) {
      Map<String, String> env =
          Map.of(
              "SWITCHBOARD_SOCKET_URL",
              "ws://127.0.0.1:" + node.port() + "/socket",
              "SWITCHBOARD_API_URL",
              "http://127.0.0.1:" + node.port() + "/api",
              "SWITCHBOARD_API_KEY",
              API_KEY,
              "TOKEN_DAVE",
              node.token("dave"),
              "TOKEN_ALICE",
              node.token("alice"),
              "TOKEN_BOB",
              node.token("bob"),
              "TOKEN_CAROL",
              node.token("carol"));
      runNodeTests("longpoll-client.test.js", env, line -> {});
    }
  }

  /**
   * {@code src/test/js/token-refresh.test.js}: the stock client pushes {@code access_token}, and a
   * socket left to expire is closed with 4001 and comes back with a fresh token from its params
   * function. Leeway 0 so that the tokens it mints die at their {@code exp}.
   */
  @Test
  void officialPhoenixClientRefreshesItsTokenAndOutlivesExpiry() throws Exception {
    try (TestNode node = TestNode.start(c -> c.auth().leewaySeconds(0))) {
      Map<String, String> env =
          Map.of(
              "SWITCHBOARD_SOCKET_URL",
              "ws://127.0.0.1:" + node.port() + "/socket",
              "SWITCHBOARD_JWT_SECRET",
              TestNode.SECRET);
      runNodeTests("token-refresh.test.js", env, line -> {});
    }
  }

  /**
   * Runs one file under Node's test runner and asserts it passed: exit 0, at least one test passed,
   * and none failed, was cancelled, skipped or left todo. {@code onLine} sees every output line (on
   * a reader thread). The output is read on its own thread so that the deadline holds even if a
   * test hangs without printing.
   */
  public static void runNodeTests(String file, Map<String, String> env, Consumer<String> onLine)
      throws Exception {
    assertTrue(
        new File(JS_DIR, "node_modules/phoenix").isDirectory(),
        "node_modules missing: the build runs 'npm ci' in src/test/js before the tests");
    ProcessBuilder pb =
        new ProcessBuilder(
                "node",
                "--test",
                "--test-reporter=spec",
                "--test-timeout=" + TEST_TIMEOUT_MILLIS,
                file)
            .directory(JS_DIR)
            .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process process = pb.start();
    StringBuffer output = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  output.append(line).append('\n');
                  onLine.accept(line);
                }
              } catch (java.io.IOException e) {
                output.append("(output lost: ").append(e).append(")\n");
              }
            },
            "node-test-output");
    reader.setDaemon(true);
    reader.start();
    boolean exited = process.waitFor(PROCESS_DEADLINE_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      process.descendants().forEach(ProcessHandle::destroyForcibly); // e.g. a browser it started
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(10_000);
    String text = output.toString();
    System.out.println(text);
    assertTrue(
        exited,
        "node test run still running after " + PROCESS_DEADLINE_SECONDS + " s, killed:\n" + text);
    assertEquals(0, process.exitValue(), "node test run failed:\n" + text);
    assertTrue(
        Pattern.compile("(?m)\\bpass [1-9]").matcher(text).find(), "no test passed:\n" + text);
    for (String none : new String[] {"fail 0", "cancelled 0", "skipped 0", "todo 0"}) {
      assertTrue(text.contains(none), "expected '" + none + "' in the summary:\n" + text);
    }
  }
}
