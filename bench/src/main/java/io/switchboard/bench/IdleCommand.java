package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * {@code idle}: opens N sockets that each join one of R topics and then stay quiet; reports the
 * connect+join rate and the server's memory per connection (RSS, and live heap after a full GC when
 * jcmd can reach it).
 */
final class IdleCommand {
  private IdleCommand() {}

  static int run(Args a) throws Exception {
    URI url = Loopback.requireUrl(a.str("url", "ws://127.0.0.1:4000/socket/websocket"));
    String token = a.str("token", "none");
    int n = a.integer("connections", 10_000);
    int topics = a.integer("topics", 100);
    long pid = Long.parseLong(a.str("pid", "-1"));
    boolean deflate = a.flag("deflate");
    boolean deflateNoContext = a.flag("deflate-client-no-context");
    boolean vertxClient = "vertx".equals(a.str("client", "raw"));
    boolean heap = !a.flag("no-heap");
    int perAddress = a.integer("per-address", 10_000);
    int concurrency = a.integer("connect-concurrency", 200);
    int timeout = a.integer("timeout-seconds", 180);
    // Keep the sockets open after the report (several generators in parallel, e.g. one per cluster
    // node, so that all their sockets are held at once): until --hold-file exists, at most
    // --hold-seconds.
    int hold = a.integer("hold-seconds", 0);
    String holdFile = a.str("hold-file", "");
    Results.Sink out = Results.sink(a);
    a.rejectUnknown();
    Limits.check(n, timeout + hold);

    long rss0 = pid > 0 ? ProcStats.rssKb(pid) : -1;
    long heap0 = pid > 0 && heap ? ProcStats.liveHeapKb(pid) : -1;
    Fleet fleet =
        new Fleet(
            url,
            token,
            deflate || deflateNoContext,
            deflateNoContext,
            vertxClient,
            perAddress,
            concurrency);
    long serverCpu0 = pid > 0 ? ProcStats.cpuNanos(pid) : 0;
    long genCpu0 = ProcStats.cpuNanos(ProcStats.SELF);
    try {
      fleet.startHeartbeats(
          25_000); // from the start: a slow connect phase must not hit the 60 s idle timeout
      BenchSocket.Receiver ignore = (s, b, from, to) -> {};
      Fleet.Opened o =
          fleet.await(fleet.open(n, "room:idle-", topics, ignore, timeout * 1000L), timeout + 10);
      // CPU while connecting: says which side limits the connect rate.
      double connectSecs = o.nanos() / 1e9;
      double serverCores =
          pid > 0 ? (ProcStats.cpuNanos(pid) - serverCpu0) / 1e9 / connectSecs : -1;
      double genCores = (ProcStats.cpuNanos(ProcStats.SELF) - genCpu0) / 1e9 / connectSecs;
      int joined = o.joined().size();
      double perSec = joined / (o.nanos() / 1e9);
      System.out.printf(
          "joined %,d/%,d (connect failures %d, join failures %d) in %.2f s = %,.0f connect+join/s%n",
          joined, n, o.failedConnect(), o.failedJoin(), o.nanos() / 1e9, perSec);
      if (!fleet.connectErrors.isEmpty()) {
        System.out.println("connect errors: " + fleet.connectErrors);
      }
      if (joined < 0.99 * n) {
        System.err.printf("FAIL: only %,d of %,d sockets joined (< 99%%)%n", joined, n);
        holdOpen(hold, holdFile);
        return 1;
      }
      long rss1 = pid > 0 ? ProcStats.rssKb(pid) : -1;
      long heap1 = pid > 0 && heap ? ProcStats.liveHeapKb(pid) : -1;
      // RSS is read before the heap census, whose full GC may change it.
      JsonObject r =
          new JsonObject()
              .put("kind", "idle")
              .put("connections", n)
              .put("joined", joined)
              .put("topics", topics)
              .put("deflate", deflate || deflateNoContext)
              .put("deflateClientNoContext", deflateNoContext)
              .put("connectSeconds", connectSecs)
              .put("connectPerSec", perSec)
              .put("connectServerCores", serverCores)
              .put("connectGenCores", genCores)
              .put("rssBeforeKb", rss0)
              .put("rssAfterKb", rss1)
              .put("rssKbPerConnection", pid > 0 ? (rss1 - rss0) / (double) joined : -1)
              .put("heapBeforeKb", heap0)
              .put("heapAfterKb", heap1)
              .put(
                  "heapKbPerConnection",
                  heap0 > 0 && heap1 > 0 ? (heap1 - heap0) / (double) joined : -1)
              .put("client", fleet.transport())
              .put(
                  "closed",
                  fleet.await(fleet.closeCodes(), 10).values().stream()
                      .mapToInt(Integer::intValue)
                      .sum());
      System.out.printf(
          "while connecting: server %.2f cores, load generator %.2f cores%n",
          serverCores, genCores);
      System.out.printf(
          "server RSS %,d KB -> %,d KB: %.2f KB/connection; live heap %,d KB -> %,d KB: %.2f KB/connection%n",
          rss0,
          rss1,
          r.getDouble("rssKbPerConnection"),
          heap0,
          heap1,
          r.getDouble("heapKbPerConnection"));
      out.write(r);
      holdOpen(hold, holdFile);
      return 0;
    } finally {
      fleet.close();
    }
  }

  private static void holdOpen(int seconds, String file) throws InterruptedException {
    if (seconds <= 0) {
      return;
    }
    System.out.printf(
        "holding the sockets open (at most %d s%s)%n",
        seconds, file.isEmpty() ? "" : " or until " + file + " exists");
    System.out.flush();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline && (file.isEmpty() || !new java.io.File(file).exists())) {
      Thread.sleep(200);
    }
  }
}
