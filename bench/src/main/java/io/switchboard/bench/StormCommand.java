package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code storm}: N distinct users connect and join one topic as fast as the connect window allows
 * (a room filling after a deploy), then the run waits until the server has gone quiet (no frame
 * reached any socket for {@code --settle-ms}). Reports the server CPU from the first connect to
 * quiet (summed over {@code --pid}, a comma list for a cluster), the frames and bytes each socket
 * received (join reply, presence state and diffs on a presence topic; just the reply on a plain
 * one), and with one pid and {@code --heap}, live heap per socket. Run it on a presence topic and
 * on a plain one in the same invocation for the ratio.
 */
final class StormCommand {
  private StormCommand() {}

  static int run(Args a) throws Exception {
    List<URI> urls = new ArrayList<>();
    for (String u : a.str("url", "ws://127.0.0.1:4000/socket/websocket").split(",")) {
      urls.add(Loopback.requireUrl(u));
    }
    HsTokens tokens = new HsTokens(a.str("jwt-secret", null));
    int n = a.integer("users", 5_000);
    String topic = a.str("topic", "presence:storm");
    // 1: everyone joins topic + "0"; N: socket k joins topic + (k % N), N = users: all distinct.
    int topicCount = a.integer("topics", 1);
    long[] pids = Arrays.stream(a.str("pid", "-1").split(",")).mapToLong(Long::parseLong).toArray();
    boolean heap = a.flag("heap");
    int settleMs = a.integer("settle-ms", 1000);
    // phoenix.js beats every 30 s; a reply the server wrote but did not flush leaves with the next.
    int heartbeatMs = a.integer("heartbeat-ms", 25_000);
    int concurrency = a.integer("connect-concurrency", 200);
    int timeout = a.integer("timeout-seconds", 180);
    String userPrefix = a.str("user-prefix", "storm-user-");
    Results.Sink out = Results.sink(a);
    a.rejectUnknown();
    Limits.check(n, timeout);
    if (topicCount < 1 || topicCount > n) {
      throw new IllegalArgumentException("--topics must be 1.." + n);
    }

    // The previous run's sockets are still being cleaned up (5,000 leaves): not this run's cost.
    awaitQuiet(pids);
    long heap0 = heap && pids.length == 1 ? ProcStats.liveHeapKb(pids[0]) : -1;
    Fleet fleet = new Fleet(urls.get(0), "unused", false, false, false, 10_000, concurrency);
    fleet.tokenPerSocket(k -> tokens.issue(userPrefix + k, 3600));
    int[] frames = new int[n];
    long[] bytes = new long[n];
    AtomicLong total = new AtomicLong();
    AtomicLong lastFrameNanos = new AtomicLong(System.nanoTime());
    BenchSocket.Receiver count =
        (s, b, from, to) -> {
          if (to - from < 120 && b.getString(from, to).contains("\"phoenix\"")) {
            return; // a heartbeat's reply: not the storm's
          }
          frames[s.index]++;
          bytes[s.index] += to - from;
          total.incrementAndGet();
          lastFrameNanos.set(System.nanoTime());
        };
    long cpu0 = serverCpu(pids);
    long start = System.nanoTime();
    try {
      fleet.startHeartbeats(heartbeatMs);
      // Fleet joins topic + (k % topicCount): with one topic, that topic with a "0" appended.
      Fleet.Opened o =
          fleet.await(fleet.open(n, topic, topicCount, count, timeout * 1000L, urls), timeout + 10);
      long joinedNanos = System.nanoTime() - start;
      JoinLatencies latencies = fleet.await(JoinLatencies.of(fleet, urls.size()), 10);
      long deadline = System.nanoTime() + timeout * 1_000_000_000L;
      while (System.nanoTime() - lastFrameNanos.get() < settleMs * 1_000_000L
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      long quietNanos = lastFrameNanos.get() - start;
      double cpuSeconds = (serverCpu(pids) - cpu0) / 1e9;
      long heap1 = heap && pids.length == 1 ? ProcStats.liveHeapKb(pids[0]) : -1;
      int joined = o.joined().size();
      IntSummary f = IntSummary.of(frames);
      double avgBytes = Arrays.stream(bytes).average().orElse(0);
      JsonObject r =
          new JsonObject()
              .put("kind", "storm")
              .put("topic", topicCount == 1 ? topic + "0" : topic + "<0.." + (topicCount - 1) + ">")
              .put("topics", topicCount)
              .put("nodes", urls.size())
              .put("users", n)
              .put("joined", joined)
              .put("joinSeconds", joinedNanos / 1e9)
              .put("quietAfterSeconds", quietNanos / 1e9)
              .put("serverCpuSeconds", cpuSeconds)
              .put("serverCpuMicrosPerJoin", cpuSeconds * 1e6 / Math.max(1, joined))
              .put("framesPerSocketAvg", f.avg)
              .put("framesPerSocketMax", f.max)
              .put("bytesPerSocketAvg", avgBytes)
              .put("joinLatency", latencies.all().toJson())
              .put("joinLatencyPerNode", latencies.perNodeJson())
              .put("joinsUnanswered", latencies.unanswered())
              .put("heapBeforeKb", heap0)
              .put("heapAfterKb", heap1)
              .put(
                  "heapBytesPerSocket",
                  heap0 > 0 && heap1 > 0 ? (heap1 - heap0) * 1024.0 / joined : -1);
      System.out.printf(
          "%s x%d on %d node(s): joined %,d/%,d in %.2f s, quiet after %.2f s; server CPU %.2f s"
              + " (%.0f us/join); frames/socket avg %.1f max %d; %.0f bytes/socket; heap %s B/socket%n",
          topicCount == 1 ? topic + "0" : topic + "* (" + topicCount + " topics)",
          n,
          urls.size(),
          joined,
          n,
          joinedNanos / 1e9,
          quietNanos / 1e9,
          cpuSeconds,
          r.getDouble("serverCpuMicrosPerJoin"),
          f.avg,
          f.max,
          avgBytes,
          heap1 > 0 ? String.format("%.0f", r.getDouble("heapBytesPerSocket")) : "n/a");
      System.out.printf(
          "join (sent to ok) %s; unanswered %d%n",
          latencies.all().summary(), latencies.unanswered());
      for (int i = 0; i < urls.size() && urls.size() > 1; i++) {
        System.out.printf("  node %d (%s): %s%n", i, urls.get(i), latencies.node(i).summary());
      }
      out.write(r);
      return joined < n ? 1 : 0;
    } finally {
      fleet.close();
    }
  }

  /** Until the servers use under 5% of a core over half a second (at most 120 s). */
  private static void awaitQuiet(long[] pids) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      long before = serverCpu(pids);
      Thread.sleep(500);
      if ((serverCpu(pids) - before) / 0.5e9 < 0.05) {
        return;
      }
    }
    System.out.println("warning: the servers never went quiet before the run");
  }

  private static long serverCpu(long[] pids) {
    long sum = 0;
    for (long pid : pids) {
      if (pid > 0) {
        sum += ProcStats.cpuNanos(pid);
      }
    }
    return sum;
  }

  private record IntSummary(double avg, int max) {
    static IntSummary of(int[] values) {
      return new IntSummary(
          Arrays.stream(values).average().orElse(0), Arrays.stream(values).max().orElse(0));
    }
  }
}
