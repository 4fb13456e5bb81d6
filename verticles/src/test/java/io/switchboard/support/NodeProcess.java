package io.switchboard.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Switchboard node as users start it: {@code java -jar verticles/target/switchboard.jar -cluster}
 * (or without {@code -cluster}: {@link #startSingle}), on loopback with random ports, read back
 * from its start-up log line. Stopped only by this handle (its PID).
 */
public final class NodeProcess implements AutoCloseable {
  public static final File JAR = new File("target/switchboard.jar");
  private static final Pattern STARTED =
      Pattern.compile("sockets on [^:]+:(\\d+).*metrics on [^:]+:(\\d+)");

  public final Process process;
  public final List<String> output = new CopyOnWriteArrayList<>();
  private final CompletableFuture<int[]> ports = new CompletableFuture<>();

  private NodeProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readOutput, "node-" + process.pid() + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  public static NodeProcess start(String clusterName, Map<String, String> extraEnv) {
    return start(true, clusterName, extraEnv, List.of());
  }

  /** A clustered node started with {@code -conf file}: the whole config from that file. */
  public static NodeProcess start(
      String clusterName, Map<String, String> extraEnv, java.nio.file.Path conf) {
    return start(true, clusterName, extraEnv, List.of("-conf", conf.toString()));
  }

  /** A single node, started without {@code -cluster}. */
  public static NodeProcess startSingle(Map<String, String> extraEnv) {
    return start(false, "single-" + java.util.UUID.randomUUID(), extraEnv, List.of());
  }

  private static NodeProcess start(
      boolean clustered, String clusterName, Map<String, String> extraEnv, List<String> args) {
    // No -cluster-host: the README's command; the event bus host comes from cluster.xml's
    // interface.
    List<String> command =
        new java.util.ArrayList<>(List.of("java", "-Xmx256m", "-jar", JAR.getPath()));
    if (clustered) {
      command.add("-cluster");
    }
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "SWITCHBOARD_HTTP_HOST",
                "127.0.0.1",
                "SWITCHBOARD_HTTP_PORT",
                "0",
                "SWITCHBOARD_METRICS_HOST",
                "127.0.0.1",
                "SWITCHBOARD_METRICS_PORT",
                "0",
                "SWITCHBOARD_JWT_SECRET",
                TestNode.SECRET,
                "SWITCHBOARD_SOCKET_INSTANCES",
                "1",
                "SWITCHBOARD_CLUSTER_NAME",
                clusterName,
                "SWITCHBOARD_CLUSTER_JOIN_WAIT_SECONDS",
                "0"));
    if (clustered) {
      env.putAll(ClusterPorts.env(clusterName)); // a caller's own ports (extraEnv) still win
    }
    env.putAll(extraEnv);
    pb.environment().putAll(env);
    try {
      return new NodeProcess(pb.start());
    } catch (IOException e) {
      throw new AssertionError("cannot start " + JAR, e);
    }
  }

  private void readOutput() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.add(line);
        Matcher m = STARTED.matcher(line);
        if (m.find()) {
          ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    ports.completeExceptionally(
        new AssertionError("node exited before starting:\n" + String.join("\n", output)));
  }

  /** Waits for the start-up line; returns {socket port, metrics port}. */
  public int[] awaitStarted() {
    try {
      return ports.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("node not started within 60 s:\n" + String.join("\n", output), e);
    }
  }

  public int port() {
    return awaitStarted()[0];
  }

  public int metricsPort() {
    return awaitStarted()[1];
  }

  /** Exit code, waiting up to the deadline. */
  public int awaitExit(long seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError(
            "node " + process.pid() + " still running after " + seconds + " s");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(30);
    }
  }

  /** How many nodes this node's cluster view ({@code /cluster} on its metrics port) holds. */
  public int clusterSize(io.vertx.core.http.HttpClient http) {
    return Await.result(
            http.request(io.vertx.core.http.HttpMethod.GET, metricsPort(), "127.0.0.1", "/cluster")
                .compose(req -> req.send().compose(resp -> resp.body())))
        .toJsonObject()
        .getInteger("node_count");
  }
}
