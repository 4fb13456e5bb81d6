package io.switchboard.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Opens and joins many Phoenix sockets from ONE event loop (the load generator must not be the bottleneck, and one
 * loop needs no locks), spread over source addresses 127.0.0.2, .3, ... ({@code perAddress} each) so more than one
 * address's ~28k ephemeral ports are usable. Connects are bounded in flight (the server's accept queue is finite)
 * and in time. Everything here runs on {@link #context}.
 */
final class Fleet {
  final Vertx vertx;
  final Context context;
  final List<BenchSocket> sockets = new ArrayList<>();
  final Map<Integer, Integer> closeCodes = new TreeMap<>();
  int closedCount;

  private final URI url;
  private final String token;
  private final boolean deflate;
  private final int perAddress;
  private final int concurrency;
  /** One client per source address, kept in a field: Vert.x 5 may close in-flight connections of a dropped client. */
  private final List<WebSocketClient> clients = new ArrayList<>();
  private int nextIndex;

  Fleet(URI url, String token, boolean deflate, int perAddress, int concurrency) {
    this.url = url;
    this.token = token;
    this.deflate = deflate;
    this.perAddress = perAddress;
    this.concurrency = concurrency;
    // One event loop: all sockets, timers and statistics live on it. No worker work is done.
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1).setBlockedThreadCheckInterval(10_000));
    this.context = vertx.getOrCreateContext();
  }

  /** Result of opening a batch. */
  record Opened(List<BenchSocket> joined, int failedConnect, int failedJoin, long nanos) {
  }

  /**
   * Opens {@code n} sockets, socket k joining {@code topicPrefix + (k % topics)}; completes when every one has
   * joined or failed, or at the deadline (the stragglers count as failed).
   */
  Future<Opened> open(int n, String topicPrefix, int topics, BenchSocket.Receiver receiver, long deadlineMillis) {
    Promise<Opened> done = Promise.promise();
    context.runOnContext(v -> new Batch(n, topicPrefix, topics, receiver, deadlineMillis, done).start());
    return done.future();
  }

  private WebSocketClient clientFor(int globalIndex) {
    int a = globalIndex / perAddress;
    while (clients.size() <= a) {
      int host = 2 + clients.size();
      if (host > 254) {
        throw new IllegalStateException("more than 253 source addresses needed");
      }
      WebSocketClientOptions o = new WebSocketClientOptions()
          .setLocalAddress("127.0.0." + host)
          .setMaxConnections(1_000_000)
          .setConnectTimeout(10_000)
          .setTryUsePerMessageCompression(deflate)
          .setMaxFrameSize(65536)
          .setMaxMessageSize(1 << 20);
      clients.add(vertx.createWebSocketClient(o));
    }
    return clients.get(a);
  }

  private final class Batch {
    final int n;
    final String topicPrefix;
    final int topics;
    final BenchSocket.Receiver receiver;
    final long deadlineMillis;
    final Promise<Opened> done;
    final List<BenchSocket> joined = new ArrayList<>();
    final long start = System.nanoTime();
    int started;
    int inFlight;
    int failedConnect;
    int failedJoin;
    long timer;

    Batch(int n, String topicPrefix, int topics, BenchSocket.Receiver receiver, long deadlineMillis,
          Promise<Opened> done) {
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
        connectOne(k);
      }
      if (started == n && inFlight == 0) {
        finish();
      }
    }

    void connectOne(int k) {
      int global = nextIndex++;
      String topic = topicPrefix + (k % topics);
      WebSocketConnectOptions o = new WebSocketConnectOptions()
          .setHost(url.getHost()).setPort(url.getPort())
          .setURI(url.getRawPath() + "?token=" + token + "&vsn=2.0.0");
      clientFor(global).connect(o).onComplete(ar -> {
        if (ar.failed()) {
          failedConnect++;
          settle();
          return;
        }
        WebSocket ws = ar.result();
        BenchSocket s = new BenchSocket(global, topic, k % topics, ws, receiver);
        sockets.add(s);
        ws.closeHandler(x -> {
          s.closed = true;
          closedCount++;
          Short code = ws.closeStatusCode();
          closeCodes.merge(code == null ? -1 : (int) code, 1, Integer::sum);
          if (!s.settled) {
            s.settled = true;
            failedJoin++;
            settle();
          }
        });
        ws.exceptionHandler(err -> { });
        ws.handler(frame -> {
          if (s.joined) {
            s.receiver.onFrame(s, frame);
          } else if (!s.settled) {
            onJoinReply(s, frame);
          }
        });
        ws.writeTextMessage(Frames.join(topic));
      });
    }

    void onJoinReply(BenchSocket s, Buffer frame) {
      s.settled = true;
      if (Frames.indexOf(frame, Frames.STATUS_OK, 0) >= 0) {
        s.joined = true;
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
      done.complete(new Opened(List.copyOf(joined), failedConnect, failedJoin + Math.max(0, missing),
          System.nanoTime() - start));
    }
  }

  /** Phoenix clients heartbeat every 30 s; Switchboard closes a socket after 60 s of silence. */
  void startHeartbeats(long periodMillis) {
    context.runOnContext(v -> vertx.setPeriodic(periodMillis, id -> {
      for (BenchSocket s : sockets) {
        s.send(Frames.HEARTBEAT);
      }
    }));
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
