package io.switchboard.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * External programs the tests run (promtool, haproxy): found on the PATH or in /usr/sbin, run with
 * a deadline.
 */
public final class Tools {
  public static final Duration DEADLINE = Duration.ofSeconds(30);

  private Tools() {}

  public record Result(int exit, String output) {}

  /**
   * Absolute path of an executable on the PATH (or in /usr/sbin, where Debian puts haproxy), else
   * null.
   */
  public static String which(String executable) {
    List<String> dirs =
        new ArrayList<>(
            Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin"));
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> new File(d, executable))
        .filter(File::canExecute)
        .map(File::getAbsolutePath)
        .findFirst()
        .orElse(null);
  }

  /**
   * The path of a tool the build installs (deploy/install-test-deps.sh), failing (never skipping)
   * when it is missing: a green build must mean the check ran.
   */
  public static String require(String executable, String debianPackage) {
    String path = which(executable);
    if (path == null) {
      throw new AssertionError(
          executable
              + " is not installed: the build installs it as root (deploy/install-test-deps.sh);"
              + " else run: apt-get update && apt-get install -y "
              + debianPackage);
    }
    return path;
  }

  /**
   * Runs a command to its end with {@code stdin} as its input; output is stdout and stderr
   * together.
   */
  public static Result run(List<String> command, Map<String, String> env, byte[] stdin) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      List<String> out = new CopyOnWriteArrayList<>();
      Thread reader = drainInBackground(p, out);
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      }
      if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " still running after " + DEADLINE);
      }
      reader.join(DEADLINE.toMillis());
      return new Result(p.exitValue(), String.join("\n", out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Collects a process's output lines into {@code into} on a daemon thread, until the process ends.
   */
  public static Thread drainInBackground(Process p, List<String> into) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  into.add(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "process-" + p.pid() + "-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  /** A loopback TCP port free right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a long-running tool (HAProxy in the foreground, say) with its output collected into
   * {@code output}; stop it with {@link #stop}.
   */
  public static Process start(List<String> command, Map<String, String> env, List<String> output) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      drainInBackground(p, output);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops a process this test started: SIGTERM, then SIGKILL if it is still there after 10 s. */
  public static void stop(Process p) {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
