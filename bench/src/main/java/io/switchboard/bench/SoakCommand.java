package io.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code soak}: churn at a steady socket count for a long time and watch the server's resources.
 * Opens and joins every socket, churns for {@code --warmup-seconds} unmeasured, then keeps {@code
 * --sockets} sockets open, each a user of its own on one of {@code --topics} topics; {@code
 * --churn-per-second} of them leave, close, connect, join and push again each second, and {@code
 * --pushes-per-second} pushes go from joined sockets to their topics (each reaching the topic's
 * other subscribers). Every {@code --sample-seconds} it records the server's RSS, live heap after a
 * full GC (jcmd), open descriptors and threads. At the end, each measure's least-squares slope per
 * minute over the samples after the first (the JIT, pools and the heap's own sizing settle in the
 * first period), and whether it is flat: the fitted rise over the run within the measure's
 * tolerance ({@link SoakTrend}). Exits 1 if any measure rises or a socket was closed by the server.
 */
final class SoakCommand {
  private SoakCommand() {}

  static int run(Args a) throws Exception {
    URI url = Loopback.requireUrl(a.str("url", "ws://127.0.0.1:4000/socket/websocket"));
    HsTokens tokens = new HsTokens(a.str("jwt-secret", null));
    long pid = Long.parseLong(a.str("pid", "-1"));
    int sockets = a.integer("sockets", 10_000);
    int topics = a.integer("topics", 100);
    String topicPrefix = a.str("topic-prefix", "room:soak-");
    int seconds = a.integer("seconds", 1800);
    int sampleSeconds = a.integer("sample-seconds", 60);
    int warmupSeconds = a.integer("warmup-seconds", 60);
    int churn = a.integer("churn-per-second", 200);
    int pushes = a.integer("pushes-per-second", 200);
    Results.Sink out = Results.sink(a);
    a.rejectUnknown();
    if (pid <= 0) {
      throw new IllegalArgumentException("--pid SERVER_PID is required: the soak watches it");
    }
    if (sockets > Limits.MAX_SOCKETS || sockets < 1) {
      throw new IllegalArgumentException("--sockets must be 1.." + Limits.MAX_SOCKETS);
    }
    if (seconds < 2 * sampleSeconds || seconds > 3600 || sampleSeconds < 1) {
      throw new IllegalArgumentException(
          "--seconds must be 2 x --sample-seconds .. 3600 (a soak is bounded)");
    }

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Churn load = new Churn(vertx, url, tokens, sockets, topics, topicPrefix, churn, pushes);
    List<SoakTrend.Sample> samples = new ArrayList<>();
    long start;
    try {
      load.start();
      // All sockets open and joined before the churn starts (each retries until it is), then a
      // warm-up of churn that is not measured: the JIT and the server's pools settle in it.
      load.allJoined.get(Math.max(120, sockets / 50), TimeUnit.SECONDS);
      System.out.printf("%,d sockets joined; warm-up %d s%n", sockets, warmupSeconds);
      TimeUnit.SECONDS.sleep(warmupSeconds); // a load phase of fixed length, not a wait
      start = System.nanoTime();
      long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
      for (long next = start; next <= deadline; next += TimeUnit.SECONDS.toNanos(sampleSeconds)) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait); // a periodic sample, not a wait for an event
        }
        // Sampled at rest: with sockets mid-cycle the descriptors would measure the churn's phase.
        load.pause().get(60, TimeUnit.SECONDS);
        SoakTrend.Sample s =
            new SoakTrend.Sample(
                (System.nanoTime() - start) / 60e9,
                ProcStats.rssKb(pid),
                ProcStats.liveHeapKb(pid),
                ProcStats.openFds(pid),
                ProcStats.threads(pid));
        load.resume();
        samples.add(s);
        System.out.printf(
            "t=%5.1f min  open %,6d  RSS %,7d KB  live heap %,7d KB  fds %,6d  threads %4d  |"
                + " cycles %,d  pushes %,d acked %,d  broadcasts in %,d  server closes %d%n",
            s.minutes(),
            load.open.get(),
            s.rssKb(),
            s.heapKb(),
            s.fds(),
            s.threads(),
            load.cycles.get(),
            load.pushes.get(),
            load.acked.get(),
            load.broadcasts.get(),
            load.serverCloses.get());
      }
    } finally {
      load.stop();
      vertx.close().await();
    }
    SoakTrend trend = SoakTrend.of(samples, sockets);
    System.out.println(trend.summary());
    boolean ok = trend.flat() && load.serverCloses.get() == 0 && load.acked.get() > 0;
    JsonObject r =
        new JsonObject()
            .put("kind", "soak")
            .put("sockets", sockets)
            .put("topics", topics)
            .put("seconds", seconds)
            .put("churnPerSecond", churn)
            .put("pushesPerSecond", pushes)
            .put("cycles", load.cycles.get())
            .put("pushes", load.pushes.get())
            .put("acked", load.acked.get())
            .put("broadcasts", load.broadcasts.get())
            .put("serverCloses", load.serverCloses.get())
            .put("connectFailures", load.connectFailures.get())
            .put("trend", trend.toJson())
            .put("flat", trend.flat())
            .put("ok", ok);
    out.write(r);
    return ok ? 0 : 1;
  }

  /** The sockets, all on the soak's one event loop. */
  private static final class Churn {
    final Vertx vertx;
    final URI url;
    final HsTokens tokens;
    final String topicPrefix;
    final int topics;
    final int churnPerTick;
    final int pushesPerTick;
    final WebSocketClient client;
    final Slot[] slots;
    final AtomicLong open = new AtomicLong();
    final AtomicLong cycles = new AtomicLong();
    final AtomicLong pushes = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong broadcasts = new AtomicLong();
    final AtomicLong serverCloses = new AtomicLong();
    final AtomicLong connectFailures = new AtomicLong();
    final java.util.concurrent.CompletableFuture<Void> allJoined =
        new java.util.concurrent.CompletableFuture<>();
    int firstJoins;
    int joinedNow;
    boolean churning;
    java.util.concurrent.CompletableFuture<Void> rested;
    int cursor;
    int beatCursor;
    long timer = -1;
    volatile boolean stopping;

    Churn(
        Vertx vertx,
        URI url,
        HsTokens tokens,
        int sockets,
        int topics,
        String topicPrefix,
        int churnPerSecond,
        int pushesPerSecond) {
      this.vertx = vertx;
      this.url = url;
      this.tokens = tokens;
      this.topics = topics;
      this.topicPrefix = topicPrefix;
      this.churnPerTick = Math.max(1, churnPerSecond / 10);
      this.pushesPerTick = Math.max(1, pushesPerSecond / 10);
      this.client =
          vertx.createWebSocketClient(
              new WebSocketClientOptions()
                  .setMaxConnections(sockets + 100)
                  .setConnectTimeout(30_000));
      this.slots = new Slot[sockets];
      for (int k = 0; k < sockets; k++) {
        slots[k] = new Slot(k, topicPrefix + (k % topics));
      }
    }

    void start() {
      vertx.runOnContext(
          v -> {
            connectFrom(0);
            timer = vertx.setPeriodic(100, id -> tick());
          });
    }

    /** The first connects, 200 every 20 ms, so that the generator's loop keeps answering. */
    private void connectFrom(int first) {
      int end = Math.min(slots.length, first + 200);
      for (int k = first; k < end; k++) {
        connect(slots[k]);
      }
      if (end < slots.length) {
        vertx.setTimer(20, id -> connectFrom(end));
      }
    }

    /** Stops the churn and the pushes; completes once every socket is open and joined again. */
    java.util.concurrent.CompletableFuture<Void> pause() {
      java.util.concurrent.CompletableFuture<Void> done =
          new java.util.concurrent.CompletableFuture<>();
      vertx.runOnContext(
          v -> {
            churning = false;
            rested = done;
            if (joinedNow == slots.length) {
              done.complete(null);
            }
          });
      return done;
    }

    void resume() {
      vertx.runOnContext(
          v -> {
            rested = null;
            churning = true;
          });
    }

    /** Stops the churn and closes every socket; returns once the closes are sent. */
    void stop() {
      stopping = true;
      io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
      vertx.runOnContext(
          v -> {
            vertx.cancelTimer(timer);
            for (Slot s : slots) {
              if (s.ws != null) {
                s.ws.close();
              }
            }
            closed.complete();
          });
      closed.future().await();
    }

    /**
     * Every 100 ms: a share of the churn, of the pushes, and heartbeats (each socket every 25 s).
     */
    private void tick() {
      if (stopping) {
        return;
      }
      heartbeats();
      if (!churning) {
        return;
      }
      for (int i = 0; i < churnPerTick; i++) {
        Slot s = slots[cursor++ % slots.length];
        if (s.joined) {
          cycle(s);
        }
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < pushesPerTick; i++) {
        Slot s = slots[random.nextInt(slots.length)];
        if (s.joined) {
          s.ws.writeTextMessage(
              frame(s.topic, "shout", new JsonObject().put("from", s.index).put("n", s.ref)));
          pushes.incrementAndGet();
        }
      }
    }

    private void heartbeats() {
      int beats = Math.max(1, slots.length / 250);
      for (int i = 0; i < beats; i++) {
        Slot s = slots[beatCursor++ % slots.length];
        if (s.ws != null) {
          s.ws.writeTextMessage(
              new JsonArray()
                  .add(null)
                  .add(s.nextRef())
                  .add("phoenix")
                  .add("heartbeat")
                  .add(new JsonObject())
                  .encode());
        }
      }
    }

    private String frame(String topic, String event, JsonObject payload) {
      return new JsonArray().add("1").add("r" + cursor).add(topic).add(event).add(payload).encode();
    }

    private void connect(Slot s) {
      if (stopping) {
        return;
      }
      WebSocketConnectOptions options =
          new WebSocketConnectOptions()
              .setHost(url.getHost())
              .setPort(url.getPort())
              .setURI(
                  url.getRawPath()
                      + "?token="
                      + tokens.issue("soak-user-" + s.index, 86_400)
                      + "&vsn=2.0.0");
      client
          .connect(options)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  connectFailures.incrementAndGet();
                  vertx.setTimer(1000, id -> connect(s));
                  return;
                }
                WebSocket ws = ar.result();
                s.ws = ws;
                s.leaving = false;
                open.incrementAndGet();
                ws.textMessageHandler(text -> received(s, text));
                ws.closeHandler(
                    v -> {
                      open.decrementAndGet();
                      s.ws = null;
                      if (s.joined) {
                        joinedNow--;
                      }
                      s.joined = false;
                      if (!s.leaving && !stopping) {
                        serverCloses.incrementAndGet();
                      }
                      connect(s);
                    });
                ws.writeTextMessage(
                    new JsonArray()
                        .add("1")
                        .add("join")
                        .add(s.topic)
                        .add("phx_join")
                        .add(new JsonObject())
                        .encode());
              });
    }

    private void received(Slot s, String text) {
      JsonArray f = new JsonArray(text);
      String event = f.getString(3);
      if ("phx_reply".equals(event)) {
        boolean ok = "ok".equals(f.getJsonObject(4).getString("status"));
        if ("join".equals(f.getString(1))) {
          s.joined = ok;
          if (ok) {
            joinedNow++;
            if (rested != null && joinedNow == slots.length) {
              rested.complete(null);
            }
          }
          if (ok && !s.everJoined) {
            s.everJoined = true;
            if (++firstJoins == slots.length) {
              churning = true; // the churn and the pushes start once all are in
              allJoined.complete(null);
            }
          }
        } else if (ok && f.getString(1).startsWith("r")) {
          acked.incrementAndGet();
        }
      } else if ("shout".equals(event)) {
        broadcasts.incrementAndGet();
      }
    }

    /** Leave, close; the close handler connects again (a user reloading the page). */
    private void cycle(Slot s) {
      s.joined = false;
      joinedNow--;
      s.leaving = true;
      s.ws.writeTextMessage(
          new JsonArray()
              .add("1")
              .add("leave")
              .add(s.topic)
              .add("phx_leave")
              .add(new JsonObject())
              .encode());
      s.ws.close();
      cycles.incrementAndGet();
    }
  }

  private static final class Slot {
    final int index;
    final String topic;
    WebSocket ws;
    boolean joined;
    boolean leaving;
    boolean everJoined;
    int ref;

    Slot(int index, String topic) {
      this.index = index;
      this.topic = topic;
    }

    String nextRef() {
      return "h" + (++ref);
    }
  }
}
