package io.switchboard.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Opens and joins many Phoenix sockets from ONE event loop (the load generator must not be the
 * bottleneck, and one loop needs no locks), spread over source addresses 127.0.0.2, .3, ... ({@code
 * perAddress} each) so more than one address's ~28k ephemeral ports are usable. Connects are
 * bounded in flight (the server's accept queue is finite) and in time. Sockets use {@link
 * RawWebSocket} unless permessage-deflate is wanted, which needs Vert.x's client. Everything here
 * runs on {@link #context}.
 */
final class Fleet {
  final Vertx vertx;
  final Context context;
  final List<BenchSocket> sockets = new ArrayList<>();

  private final URI url;
  private final String pathAndQuery;

  /** Per-socket tokens (distinct users), or null: every socket uses the one token. */
  private java.util.function.IntFunction<String> tokens;

  private final boolean deflate;

  /**
   * With deflate: offer client_no_context_takeover (a browser never does; some native clients do).
   */
  private final boolean deflateNoContext;

  private final boolean raw;
  private final int perAddress;
  private final int concurrency;

  /**
   * Clients per source address, kept in fields: Vert.x 5 may close connections of a client it
   * collected.
   */
  private final List<WebSocketClient> wsClients = new ArrayList<>();

  private final List<NetClient> netClients = new ArrayList<>();
  private int nextIndex;
  private final int sourceBlock = java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 255);

  /** Why connects failed (first message → count), to tell port exhaustion from a slow server. */
  final Map<String, Integer> connectErrors = new TreeMap<>();

  Fleet(
      URI url,
      String token,
      boolean deflate,
      boolean deflateNoContext,
      boolean vertxClient,
      int perAddress,
      int concurrency) {
    this.deflateNoContext = deflateNoContext;
    this.url = url;
    this.pathAndQuery = url.getRawPath() + "?token=" + token + "&vsn=2.0.0";
    this.deflate = deflate;
    this.raw = !deflate && !vertxClient;
    this.perAddress = perAddress;
    this.concurrency = concurrency;
    // Native epoll when it loads (the bench jar ships it): the generator's cost is mostly one read
    // per frame.
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setBlockedThreadCheckInterval(10_000));
    this.context = vertx.getOrCreateContext();
  }

  /** Socket k connects with {@code tokens.apply(k)} instead of the fleet's one token. */
  void tokenPerSocket(java.util.function.IntFunction<String> tokens) {
    this.tokens = tokens;
  }

  private String pathAndQuery(BenchSocket s) {
    return tokens == null
        ? pathAndQuery
        : url.getRawPath() + "?token=" + tokens.apply(s.index) + "&vsn=2.0.0";
  }

  String transport() {
    return (raw
            ? "raw"
            : "vertx" + (deflate ? (deflateNoContext ? "+deflate-no-context" : "+deflate") : ""))
        + (vertx.isNativeTransportEnabled() ? "/epoll" : "/nio");
  }

  /** Result of opening a batch. */
  record Opened(List<BenchSocket> joined, int failedConnect, int failedJoin, long nanos) {}

  /**
   * Opens {@code n} sockets, socket k joining {@code topicPrefix + (k % topics)}; completes when
   * every one has joined or failed, or at the deadline (the stragglers count as failed).
   */
  Future<Opened> open(
      int n, String topicPrefix, int topics, BenchSocket.Receiver receiver, long deadlineMillis) {
    return open(n, topicPrefix, topics, receiver, deadlineMillis, List.of(url));
  }

  /**
   * As {@link #open(int, String, int, BenchSocket.Receiver, long)}, socket k connecting to {@code
   * targets.get(k % targets.size())} (same path and token; e.g. the nodes of a cluster).
   */
  Future<Opened> open(
      int n,
      String topicPrefix,
      int topics,
      BenchSocket.Receiver receiver,
      long deadlineMillis,
      List<URI> targets) {
    Promise<Opened> done = Promise.promise();
    context.runOnContext(
        v -> new Batch(n, topicPrefix, topics, receiver, deadlineMillis, done, targets).start());
    return done.future();
  }

  /**
   * 127.R.0.2, 127.R.0.3, ...: R is drawn per run because the previous run's closed connections sit
   * in TIME_WAIT for 60 s and, on the same source address and server port, would leave too few
   * ephemeral ports to connect.
   */
  private String sourceAddress(int globalIndex) {
    int host = 2 + globalIndex / perAddress;
    if (host > 254) {
      throw new IllegalStateException("more than 253 source addresses needed");
    }
    return "127." + sourceBlock + ".0." + host;
  }

  private Future<Void> connect(BenchSocket s, URI url) {
    int a = s.index / perAddress;
    if (raw) {
      while (netClients.size() <= a) {
        netClients.add(
            vertx.createNetClient(
                new NetClientOptions()
                    .setLocalAddress(sourceAddress(s.index))
                    .setConnectTimeout(10_000)
                    .setTcpNoDelay(true)));
      }
      return netClients
          .get(a)
          .connect(url.getPort(), url.getHost())
          .compose(so -> RawWebSocket.upgrade(so, s, url.getHost(), url.getPort(), pathAndQuery(s)))
          .map(
              ws -> {
                s.wire = ws;
                return null;
              });
    }
    while (wsClients.size() <= a) {
      wsClients.add(
          vertx.createWebSocketClient(
              new WebSocketClientOptions()
                  .setLocalAddress(sourceAddress(s.index))
                  .setMaxConnections(1_000_000) // per endpoint; the default 50 would queue the rest
                  .setConnectTimeout(10_000)
                  .setTryUsePerMessageCompression(deflate)
                  .setCompressionAllowClientNoContext(deflateNoContext)
                  .setMaxFrameSize(65536)
                  .setMaxMessageSize(1 << 20)));
    }
    WebSocketConnectOptions o =
        new WebSocketConnectOptions()
            .setHost(url.getHost())
            .setPort(url.getPort())
            .setURI(pathAndQuery(s));
    return wsClients
        .get(a)
        .connect(o)
        .map(
            ws -> {
              ws.closeHandler(
                  x -> {
                    Short code = ws.closeStatusCode();
                    s.closeCode = code == null ? -1 : code;
                    s.onClosed();
                  });
              ws.exceptionHandler(err -> {});
              ws.handler(b -> s.deliver(b, 0, b.length()));
              s.wire = ws::writeTextMessage;
              return (WebSocket) null;
            })
        .mapEmpty();
  }

  private final class Batch implements BenchSocket.JoinListener {
    final int n;
    final String topicPrefix;
    final int topics;
    final BenchSocket.Receiver receiver;
    final long deadlineMillis;
    final Promise<Opened> done;
    final List<URI> targets;
    final List<BenchSocket> joined = new ArrayList<>();
    final long start = System.nanoTime();
    int started;
    int inFlight;
    int failedConnect;
    int failedJoin;
    long timer;

    Batch(
        int n,
        String topicPrefix,
        int topics,
        BenchSocket.Receiver receiver,
        long deadlineMillis,
        Promise<Opened> done,
        List<URI> targets) {
      this.targets = targets;
      this.n = n;
      this.topicPrefix = topicPrefix;
      this.topics = topics;
      this.receiver = receiver;
      this.deadlineMillis = deadlineMillis;
      this.done = done;
    }

    void start() {
      timer = vertx.setTimer(deadlineMillis, t -> finish());
      pump();
    }

    void pump() {
      while (inFlight < concurrency && started < n && !done.future().isComplete()) {
        int k = started++;
        inFlight++;
        BenchSocket s =
            new BenchSocket(nextIndex++, topicPrefix + (k % topics), k % topics, receiver);
        s.joinListener = this;
        sockets.add(s);
        connect(s, targets.get(k % targets.size()))
            .onComplete(
                ar -> {
                  if (ar.failed()) {
                    connectErrors.merge(String.valueOf(ar.cause().getMessage()), 1, Integer::sum);
                    if (!s.settled) {
                      s.settled = true;
                      s.closed = true;
                      failedConnect++;
                      settle();
                    }
                  } else {
                    s.joinSentNanos = System.nanoTime();
                    s.send(Frames.join(s.topic));
                  }
                });
      }
      if (started == n && inFlight == 0) {
        finish();
      }
    }

    @Override
    public void joinSettled(BenchSocket s, boolean ok) {
      if (ok) {
        joined.add(s);
      } else {
        failedJoin++;
      }
      settle();
    }

    void settle() {
      inFlight--;
      pump();
    }

    void finish() {
      if (done.future().isComplete()) {
        return;
      }
      vertx.cancelTimer(timer);
      int missing = n - joined.size() - failedConnect - failedJoin;
      done.complete(
          new Opened(
              List.copyOf(joined),
              failedConnect,
              failedJoin + Math.max(0, missing),
              System.nanoTime() - start));
    }
  }

  /**
   * Phoenix clients heartbeat every 30 s; Switchboard closes a socket after 60 s of silence. Each
   * socket beats on its own phase, as real clients do (their timers start when they connect): every
   * {@link #HEARTBEAT_TICK_MS} one slice of the sockets. All of them at once (10,000 here) would
   * stall any server's loop for ~100 ms every period, a burst no real fleet makes, and the backlog
   * it leaves takes seconds to drain near saturation.
   */
  void startHeartbeats(long periodMillis) {
    long slices = Math.max(1, periodMillis / HEARTBEAT_TICK_MS);
    context.runOnContext(
        v ->
            vertx.setPeriodic(
                HEARTBEAT_TICK_MS,
                new io.vertx.core.Handler<Long>() {
                  private long tick;

                  @Override
                  public void handle(Long id) {
                    for (int i = (int) (tick++ % slices); i < sockets.size(); i += (int) slices) {
                      sockets.get(i).send(Frames.HEARTBEAT);
                    }
                  }
                }));
  }

  private static final long HEARTBEAT_TICK_MS = 100;

  /**
   * Close codes of the sockets that closed (code → count; -1 = no close frame), read on the event
   * loop.
   */
  Future<Map<Integer, Integer>> closeCodes() {
    Promise<Map<Integer, Integer>> p = Promise.promise();
    context.runOnContext(
        v -> {
          Map<Integer, Integer> codes = new TreeMap<>();
          for (BenchSocket s : sockets) {
            if (s.closed && s.wire != null) {
              codes.merge(s.closeCode, 1, Integer::sum);
            }
          }
          p.complete(codes);
        });
    return p.future();
  }

  /** Waits (with a deadline) from the command's thread for something the event loop completes. */
  <T> T await(Future<T> f, long seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Exiting anyway; the kernel closes what is left.
    }
  }
}
