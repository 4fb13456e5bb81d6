package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux says about a process: CPU time from /proc/PID/stat, RSS from /proc/PID/status, heap
 * via jcmd.
 */
final class ProcStats {
  static final long SELF = ProcessHandle.current().pid();
  private static final long CLK_TCK = clockTicks();
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)");

  private ProcStats() {}

  /**
   * utime + stime of the process, in nanoseconds (resolution 1/CLK_TCK s, 10 ms at the usual 100).
   */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      // The command name (field 2) may hold spaces; fields after it start at the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks =
          Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 (utime) and 15 (stime)
      return ticks * 1_000_000_000L / CLK_TCK;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e.getMessage(), e);
    }
  }

  /**
   * Busy CPU time of the whole machine (all cores: user, nice, system, irq, softirq, steal from
   * /proc/stat), in nanoseconds. Minus the server's and the generator's own time it shows what else
   * ran during a measurement: this machine may be shared, and another process's CPU skews every
   * figure.
   */
  static long machineBusyNanos() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
      String[] f =
          first.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal ...
      long ticks =
          Long.parseLong(f[1])
              + Long.parseLong(f[2])
              + Long.parseLong(f[3])
              + Long.parseLong(f[6])
              + Long.parseLong(f[7])
              + Long.parseLong(f[8]);
      return ticks * 1_000_000_000L / CLK_TCK;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** VmRSS in KB. */
  static long rssKb(long pid) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
    }
    throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
  }

  /** Open file descriptors of the process (entries of /proc/PID/fd). */
  static int openFds(long pid) {
    String[] fds = new java.io.File("/proc/" + pid + "/fd").list();
    if (fds == null) {
      throw new IllegalStateException("cannot list /proc/" + pid + "/fd");
    }
    return fds.length;
  }

  /** Threads of the process (Threads: in /proc/PID/status). */
  static int threads(long pid) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("Threads:")) {
          return Integer.parseInt(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
    }
    throw new IllegalStateException("no Threads in /proc/" + pid + "/status");
  }

  /**
   * Live Java heap in KB, or -1 if jcmd is missing or answers oddly: {@code GC.class_histogram}
   * runs a full GC first and its Total line is the same whatever collector the JVM picked (a JVM
   * pinned to one core picks Serial, whose heap_info has no single "used" figure). Optional: RSS is
   * what the goals are stated in; this shows how much of it is live objects.
   */
  static long liveHeapKb(long pid) {
    String histogram = run("jcmd", Long.toString(pid), "GC.class_histogram");
    if (histogram == null) {
      return -1;
    }
    Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
    return m.find() ? Long.parseLong(m.group(2)) / 1024 : -1;
  }

  private static String run(String... cmd) {
    Path out = null;
    try {
      // Output to a file, not a pipe, so a hung command cannot block us past the deadline.
      out = Files.createTempFile("bench-cmd", ".txt");
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? Files.readString(out) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (out != null) {
        out.toFile().delete();
      }
    }
  }

  private static long clockTicks() {
    String out = run("getconf", "CLK_TCK");
    try {
      return out == null ? 100 : Long.parseLong(out.trim());
    } catch (NumberFormatException e) {
      return 100;
    }
  }
}
