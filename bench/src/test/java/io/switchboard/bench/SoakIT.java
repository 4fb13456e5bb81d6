package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CI's two-minute soak (bench/soak.sh runs the 30-minute one): the fat jar as users start it,
 * 1,000 sockets (all joined, then 15 s of warm-up churn) churning (50 leave, close, reconnect and
 * rejoin a second) on 20 history topics with pushes fanned out to 50 subscribers each, and the
 * server's live heap, RSS, descriptors and threads sampled every 15 s must stay flat ({@link
 * SoakTrend}), with no socket closed by the server and pushes answered.
 */
class SoakIT {
  static final File JAR = new File("../verticles/target/switchboard.jar");
  static final String SECRET = "soak-secret-0123456789abcdef0123456789abcdef";
  static final Pattern STARTED = Pattern.compile("sockets on [^:]+:(\\d+)");

  @Test
  void twoMinutesOfChurnLeaveTheServersResourcesFlat() throws Exception {
    assertTrue(JAR.isFile(), JAR + " is built by the verticles module before this one");
    ProcessBuilder pb =
        new ProcessBuilder(
                // A heap committed and touched at the start: RSS then shows native growth alone.
                "java", "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-jar", JAR.getPath())
            .redirectErrorStream(true);
    pb.environment()
        .putAll(
            java.util.Map.of(
                "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
                "SWITCHBOARD_HTTP_PORT", "0",
                "SWITCHBOARD_METRICS_HOST", "127.0.0.1",
                "SWITCHBOARD_METRICS_PORT", "0",
                "SWITCHBOARD_JWT_SECRET", SECRET));
    Process node = pb.start();
    try {
      int port = awaitPort(node);
      Path results = Files.createTempFile("soak", ".jsonl");
      int exit =
          SoakCommand.run(
              new Args(
                  ("soak --url ws://127.0.0.1:"
                          + port
                          + "/socket/websocket --jwt-secret "
                          + SECRET
                          + " --pid "
                          + node.pid()
                          + " --sockets 1000 --topics 20 --seconds 120"
                          + " --sample-seconds 15 --warmup-seconds 15 --churn-per-second 50"
                          + " --pushes-per-second 20 --out "
                          + results)
                      .split(" "),
                  1));
      JsonObject r = new JsonObject(Files.readString(results).trim());
      assertEquals(0, r.getLong("serverCloses"), "sockets the server closed: " + r.encode());
      assertTrue(r.getLong("cycles") >= 1000, "the churn ran: " + r.encode());
      assertTrue(r.getLong("acked") > 0 && r.getLong("broadcasts") > 0, r.encode());
      assertTrue(r.getBoolean("flat"), "resources rose: " + r.getJsonObject("trend").encode());
      assertEquals(0, exit, r.encode());
    } finally {
      node.destroy();
      if (!node.waitFor(30, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
  }

  /** The socket port from the node's start-up line; its output keeps being drained. */
  private static int awaitPort(Process node) throws Exception {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  output.add(line);
                  Matcher m = STARTED.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (java.io.IOException e) {
                // the node ended
              }
              port.completeExceptionally(new AssertionError("node exited:\n" + output));
            },
            "soak-node-output");
    reader.setDaemon(true);
    reader.start();
    return port.get(60, TimeUnit.SECONDS);
  }
}
