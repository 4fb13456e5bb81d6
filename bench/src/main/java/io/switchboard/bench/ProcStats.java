package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Linux says about a process: CPU time from /proc/PID/stat, RSS from /proc/PID/status, heap via jcmd. */
final class ProcStats {
  static final long SELF = ProcessHandle.current().pid();
  private static final long CLK_TCK = clockTicks();
  private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

  private ProcStats() {
  }

  /** utime + stime of the process, in nanoseconds (resolution 1/CLK_TCK s, 10 ms at the usual 100). */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      // The command name (field 2) may hold spaces; fields after it start at the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 (utime) and 15 (stime)
      return ticks * 1_000_000_000L / CLK_TCK;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e.getMessage(), e);
    }
  }

  /** VmRSS in KB. */
  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
    }
    throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
  }

  /**
   * Java heap in use right after a full GC, in KB, or -1 if jcmd is missing or answers oddly. Optional:
   * RSS is the figure the goals are stated in, the heap shows how much of it is live objects.
   */
  static long heapAfterGcKb(long pid) {
    if (run("jcmd", Long.toString(pid), "GC.run") == null) {
      return -1;
    }
    String info = run("jcmd", Long.toString(pid), "GC.heap_info");
    if (info == null) {
      return -1;
    }
    Matcher m = HEAP_USED.matcher(info);
    return m.find() ? Long.parseLong(m.group(2)) : -1;
  }

  private static String run(String... cmd) {
    Path out = null;
    try {
      // Output to a file, not a pipe, so a hung command cannot block us past the deadline.
      out = Files.createTempFile("bench-cmd", ".txt");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
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
