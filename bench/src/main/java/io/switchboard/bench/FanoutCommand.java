package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code fanout}: S subscriber sockets over R topics, P publisher sockets pushing {@code shout}
 * events that carry their send time; reports deliveries/s, loss, latency, and CPU per delivery of
 * the server and of itself.
 */
final class FanoutCommand {
  private FanoutCommand() {}

  static int run(Args a) throws Exception {
    // --url may list several servers (comma-separated, e.g. the nodes of a cluster): subscriber k
    // connects to the (k mod n)-th. Publishers connect to --publisher-url (default: the first
    // --url), so a broadcast can be made to cross nodes; latency stays measurable because both ends
    // are in this process.
    List<URI> subscriberUrls = new ArrayList<>();
    for (String u : a.str("url", "ws://127.0.0.1:4000/socket/websocket").split(",")) {
      subscriberUrls.add(Loopback.requireUrl(u.trim()));
    }
    URI url = subscriberUrls.get(0);
    URI publisherUrl = Loopback.requireUrl(a.str("publisher-url", url.toString()));
    String token = a.str("token", "none");
    int subscribers = a.integer("subscribers", 1000);
    int topics = a.integer("topics", 1);
    int publishers = a.integer("publishers", 1);
    double rate = a.dbl("rate", 0);
    int seconds = a.integer("seconds", 10);
    int warmup = a.integer("warmup-seconds", 3);
    int payloadBytes = a.integer("payload-bytes", 100);
    // What the pushes look like: the topic family picks the server's behaviour (room:* compresses
    // payloads over 1 KB, chat:* never does, batch:* batches add_message), the body kind how well
    // payloads compress.
    String topicPrefix = a.str("topic-prefix", "room:bench-");
    String event = a.str("event", "shout");
    String payloadKind = a.str("payload-kind", "padding");
    int stuckCount = a.integer("stuck", 0);
    String baselineScenario = a.str("baseline-scenario", "");
    // Switchboard's Prometheus endpoint: the stuck-consumer run reads its slow-consumer close count
    // from it.
    String metricsUrl = a.str("metrics-url", "");
    int window = a.integer("window", 32);
    long pid = Long.parseLong(a.str("pid", "-1"));
    boolean deflate = a.flag("deflate");
    boolean deflateNoContext = a.flag("deflate-client-no-context");
    boolean vertxClient = "vertx".equals(a.str("client", "raw"));
    int perAddress = a.integer("per-address", 10_000);
    int concurrency = a.integer("connect-concurrency", 200);
    Results.Sink out = Results.sink(a);
    a.rejectUnknown();
    Limits.check(subscribers + publishers, seconds + warmup);
    if (topics < 1 || publishers < 1 || window < 1) {
      throw new IllegalArgumentException("--topics, --publishers and --window must be at least 1");
    }
    String body =
        switch (payloadKind) {
          case "padding" -> "\"" + Frames.padding(payloadBytes) + "\"";
          case "json" -> Frames.typicalJson(payloadBytes, 42);
          default ->
              throw new IllegalArgumentException(
                  "--payload-kind is padding or json, not " + payloadKind);
        };
    if (topicPrefix.startsWith(Frames.REALTIME_PREFIX)) {
      // realtime-js's broadcast: --url .../realtime/v1/websocket --topic-prefix realtime:bench-
      // --event broadcast (a node with a realtime rule).
      body = body + Frames.REALTIME_BODY_SUFFIX;
    }
    if (stuckCount >= subscribers / topics) {
      throw new IllegalArgumentException("--stuck must leave subscribers on topic 0 that read");
    }

    Fleet fleet =
        new Fleet(
            url,
            token,
            deflate || deflateNoContext,
            deflateNoContext,
            vertxClient,
            perAddress,
            concurrency);
    try {
      // Heartbeats from the start: a slow join phase (seen on a busy 3-node cluster: > 60 s) must
      // not let the server's 60 s idle timeout close the sockets that joined first.
      fleet.startHeartbeats(25_000);
      FanoutLoad load = new FanoutLoad(fleet.vertx, rate, event, body, topics, pid);
      Fleet.Opened subs =
          fleet.await(
              fleet.open(
                  subscribers, topicPrefix, topics, load.subscriber, 120_000, subscriberUrls),
              130);
      Fleet.Opened pubs =
          fleet.await(
              fleet.open(
                  publishers, topicPrefix, topics, load.publisher, 60_000, List.of(publisherUrl)),
              70);
      System.out.println("client transport: " + fleet.transport());
      System.out.printf(
          "joined %d/%d subscribers, %d/%d publishers in %.1f s%n",
          subs.joined().size(),
          subscribers,
          pubs.joined().size(),
          publishers,
          (subs.nanos() + pubs.nanos()) / 1e9);
      if (!fleet.connectErrors.isEmpty()) {
        System.out.println("connect errors: " + fleet.connectErrors);
      }
      if (subs.joined().size() < 0.99 * subscribers || pubs.joined().size() < 0.99 * publishers) {
        System.err.printf(
            "FAIL: fewer than 99%% joined (connect failures %d, join failures %d)%n",
            subs.failedConnect() + pubs.failedConnect(), subs.failedJoin() + pubs.failedJoin());
        return 1;
      }
      fleet.context.runOnContext(
          v -> {
            for (BenchSocket s : subs.joined()) {
              if (load.stuck.size() < stuckCount && s.topicIndex == 0) {
                load.addStuck(s);
              } else {
                load.addSubscriber(s);
              }
            }
            pubs.joined().forEach(s -> load.addPublisher(s, window));
          });
      long rss0 = pid > 0 ? ProcStats.rssKb(pid) : -1;
      // Scraping costs the server CPU (the whole registry, as text): the run without stuck sockets
      // is watched too, so both sides of the comparison pay for it.
      SlowConsumerWatch watch = !metricsUrl.isEmpty() ? SlowConsumerWatch.start(metricsUrl) : null;
      long drainMillis = 10_000;
      try {
        fleet.await(
            runOn(fleet, load, warmup * 1000L, seconds * 1000L, drainMillis),
            warmup + seconds + drainMillis / 1000 + 30);
      } finally {
        if (watch != null) {
          watch.stop();
        }
      }
      JsonObject stuck = stuckCount > 0 ? stuckReport(fleet, load, pid, rss0, watch) : null;

      Map<Integer, Integer> closes = fleet.await(fleet.closeCodes(), 10);
      JsonObject r =
          report(
              load,
              subscribers,
              topics,
              publishers,
              rate,
              payloadBytes,
              deflate || deflateNoContext,
              pid,
              closes);
      if (watch != null) {
        r.put("slowConsumerCloses", watch.closes());
      }
      r.put("topicPrefix", topicPrefix)
          .put("event", event)
          .put("payloadKind", payloadKind)
          .put("baselineScenario", baselineScenario.isEmpty() ? null : baselineScenario)
          .put("stuck", stuck);
      r.put("client", fleet.transport());
      r.put("subscriberUrls", subscriberUrls.toString())
          .put("publisherUrl", publisherUrl.toString());
      out.write(r);
      return 0;
    } finally {
      fleet.close();
    }
  }

  /**
   * After the run, with the stuck sockets still not reading: the server's memory (its outbound
   * backlog for them must have been cut at maxOutboundBytes, not grown with the run). Then they
   * read again, so the close code the server sent them (4008 expected) is seen.
   */
  private static JsonObject stuckReport(
      Fleet fleet, FanoutLoad load, long pid, long rss0, SlowConsumerWatch watch) throws Exception {
    long rss1 = pid > 0 ? ProcStats.rssKb(pid) : -1;
    long heap = pid > 0 ? ProcStats.liveHeapKb(pid) : -1;
    io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
    fleet.context.runOnContext(
        v -> {
          load.resumeStuck();
          long deadline = System.nanoTime() + 15_000_000_000L;
          fleet.vertx.setPeriodic(
              20,
              id -> {
                if (load.stuck.stream().allMatch(s -> s.closed) || System.nanoTime() > deadline) {
                  fleet.vertx.cancelTimer(id);
                  closed.complete();
                }
              });
        });
    fleet.await(closed.future(), 30);
    JsonObject r =
        new JsonObject()
            .put("sockets", load.stuck.size())
            .put("closed", load.stuck.stream().filter(s -> s.closed).count())
            .put("closeCodes", load.stuck.stream().map(s -> s.closeCode).toList().toString())
            .put("serverRssKbBefore", rss0)
            .put("serverRssKbAfter", rss1)
            .put("serverLiveHeapKbAfter", heap);
    if (watch != null) {
      r.put("slowConsumerCloses", watch.closes()).put("cutAfterMs", watch.firstCutMillis());
    }
    System.out.printf(
        "stuck consumers: %d, %d closed after reading again, close codes %s (-1: no close frame, the backlog and the close "
            + "were dropped together); server slow-consumer closes %s, first %s ms after the load started; server RSS "
            + "%,d KB -> %,d KB, live heap after %,d KB%n",
        load.stuck.size(),
        r.getLong("closed"),
        r.getString("closeCodes"),
        watch == null ? "?" : watch.closes(),
        watch == null ? "?" : watch.firstCutMillis(),
        rss0,
        rss1,
        heap);
    return r;
  }

  private static io.vertx.core.Future<Void> runOn(
      Fleet fleet, FanoutLoad load, long warmup, long seconds, long drain) {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    fleet.context.runOnContext(v -> load.run(warmup, seconds, drain).onComplete(p));
    return p.future();
  }

  private static JsonObject report(
      FanoutLoad l,
      int subscribers,
      int topics,
      int publishers,
      double rate,
      int payloadBytes,
      boolean deflate,
      long pid,
      Map<Integer, Integer> closes) {
    double secs = l.measuredSeconds();
    double perSec = l.received / secs;
    long lost = l.expected - l.received;
    double serverNsPerDelivery =
        pid > 0 && l.received > 0 ? (double) (l.serverCpu1 - l.serverCpu0) / l.received : -1;
    double serverCores = pid > 0 ? (l.serverCpu1 - l.serverCpu0) / (secs * 1e9) : -1;
    double genCores = (l.genCpu1 - l.genCpu0) / (secs * 1e9);
    // Everything else that was busy on the machine meanwhile (other processes, unattributed
    // softirq).
    double otherCores =
        pid > 0
            ? ((l.machine1 - l.machine0) - (l.serverCpu1 - l.serverCpu0) - (l.genCpu1 - l.genCpu0))
                / (secs * 1e9)
            : -1;
    // Each publish reaches the subscribers of its topic.
    double offeredDeliveries = rate * subscribers / topics;
    JsonObject r =
        new JsonObject()
            .put("kind", "fanout")
            .put("subscribers", subscribers)
            .put("topics", topics)
            .put("publishers", publishers)
            .put("offeredPublishesPerSec", rate)
            .put("offeredDeliveriesPerSec", rate > 0 ? offeredDeliveries : 0)
            .put("payloadBytes", payloadBytes)
            .put("deflate", deflate)
            .put("seconds", secs)
            .put("published", l.publishedMeasured)
            .put("achievedPublishesPerSec", l.publishedMeasured / secs)
            .put("acked", l.ackedMeasured)
            .put("errorReplies", l.errorReplies)
            .put("unacked", l.unacked())
            .put("expected", l.expected)
            .put("received", l.received)
            .put("lost", lost)
            .put("lossPct", l.expected > 0 ? 100.0 * lost / l.expected : 0)
            .put("deliveriesPerSec", perSec)
            .put("latency", l.latency.toJson())
            .put("serverCpuNsPerDelivery", serverNsPerDelivery)
            .put("serverCores", serverCores)
            .put("genCores", genCores)
            .put("otherCores", otherCores)
            .put(
                "genCpuNsPerDelivery",
                l.received > 0 ? (l.genCpu1 - l.genCpu0) / (double) l.received : -1)
            .put("otherFrames", l.otherFrames)
            .put("framesMeasured", l.framesMeasured)
            .put(
                "wireBytesPerDelivery",
                l.received > 0 ? (double) l.wireBytesMeasured / l.received : -1)
            .put(
                "deliveriesPerServerCpuSecond",
                serverNsPerDelivery > 0 ? 1e9 / serverNsPerDelivery : -1)
            .put("inflatedPayloads", l.inflatedPayloads())
            .put("closed", closes.values().stream().mapToInt(Integer::intValue).sum())
            .put("closeCodes", closes.toString());
    System.out.printf(
        "deliveries %,d/%,d expected (loss %d) in %.2f s = %,.0f/s; publishes %,.0f/s (offered %,.0f/s)%n",
        l.received, l.expected, lost, secs, perSec, l.publishedMeasured / secs, rate);
    System.out.println(l.latency.summary());
    System.out.printf(
        "wire: %,d frames carried the measured messages, %.1f bytes per delivery%s%n",
        l.framesMeasured,
        r.getDouble("wireBytesPerDelivery"),
        l.inflatedPayloads() > 0
            ? String.format(" (%,d compressed payloads inflated)", l.inflatedPayloads())
            : "");
    System.out.printf(
        "server CPU %.0f ns/delivery (%.2f cores); load generator %.2f cores (%.0f ns/delivery)%s%n",
        serverNsPerDelivery,
        serverCores,
        genCores,
        r.getDouble("genCpuNsPerDelivery"),
        genCores > 0.85 ? "  <-- load generator near one core: it may be the limit" : "");
    if (otherCores > 0.15) {
      System.out.printf(
          "WARNING: %.2f cores busy outside the server and the generator: figures are skewed%n",
          otherCores);
    }
    if (!closes.isEmpty()) {
      System.out.println(
          "sockets closed during the run (close code=count, -1 = no close frame): " + closes);
    }
    return r;
  }
}
