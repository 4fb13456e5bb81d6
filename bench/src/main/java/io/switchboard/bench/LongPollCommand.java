package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code longpoll}: long-poll sessions against WebSocket sockets in the same run, on one server. N
 * phoenix.js-style long-poll sessions join one topic and keep a poll held, N WebSockets join
 * another; reports the server's live heap per idle session of each, then broadcasts B messages at
 * R/s to each topic in turn and reports the server's CPU per delivered message for each.
 */
final class LongPollCommand {
  private static final String LP_TOPIC = "room:lpbench";
  private static final String WS_TOPIC = "room:wsbench";
  private static final String EVENT = "\"shout\"";

  private LongPollCommand() {}

  static int run(Args a) throws Exception {
    URI url = Loopback.requireUrl(a.str("url", "http://127.0.0.1:4000"));
    String secret = a.str("jwt-secret", "");
    int n = a.integer("sessions", 1000);
    int broadcasts = a.integer("broadcasts", 100);
    int rate = a.integer("rate", 50);
    long pid = Long.parseLong(a.str("pid", "-1"));
    int timeout = a.integer("timeout-seconds", 120);
    Results.Sink out = Results.sink(a);
    a.rejectUnknown();
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("--jwt-secret is required (the server's auth.secret)");
    }
    Limits.check(2 * n + 1, timeout);
    HsTokens tokens = new HsTokens(secret);
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient http =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setDefaultHost(url.getHost())
                  .setDefaultPort(url.getPort())
                  .setKeepAlive(true),
              new PoolOptions().setHttp1MaxSize(2 * n + 16));
      WebSocketClient wsClient =
          vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(n + 16));
      long heap0 = pid > 0 ? ProcStats.liveHeapKb(pid) : -1;

      AtomicLong lpDelivered = new AtomicLong();
      AtomicLong polls = new AtomicLong();
      List<Future<Void>> lpJoins = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        lpJoins.add(
            new LongPollSession(http, tokens.issue("lp-" + i, 3600), lpDelivered, polls).start());
      }
      await(Future.all(lpJoins), timeout);
      long heapLp = pid > 0 ? ProcStats.liveHeapKb(pid) : -1;

      AtomicLong wsDelivered = new AtomicLong();
      List<Future<Void>> wsJoins = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        wsJoins.add(
            joinWebSocket(wsClient, url, tokens.issue("ws-" + i, 3600), WS_TOPIC, wsDelivered));
      }
      await(Future.all(wsJoins), timeout);
      long heapWs = pid > 0 ? ProcStats.liveHeapKb(pid) : -1;

      WebSocket publisher = connect(wsClient, url, tokens.issue("publisher", 3600));
      publisher.writeTextMessage(frame("1", "1", LP_TOPIC, "phx_join", "{}"));
      publisher.writeTextMessage(frame("2", "2", WS_TOPIC, "phx_join", "{}"));

      double lpCpuUs =
          cpuPerDelivery(vertx, publisher, LP_TOPIC, "1", broadcasts, rate, n, lpDelivered, pid);
      long lpPolls = polls.get();
      double wsCpuUs =
          cpuPerDelivery(vertx, publisher, WS_TOPIC, "2", broadcasts, rate, n, wsDelivered, pid);

      JsonObject r =
          new JsonObject()
              .put("kind", "longpoll")
              .put("sessions", n)
              .put("broadcasts", broadcasts)
              .put("rate", rate)
              .put("heapBeforeKb", heap0)
              .put("heapKbPerLongPollSession", heap0 > 0 ? (heapLp - heap0) / (double) n : -1)
              .put("heapKbPerWebSocket", heapLp > 0 ? (heapWs - heapLp) / (double) n : -1)
              .put("cpuUsPerLongPollDelivery", lpCpuUs)
              .put("cpuUsPerWebSocketDelivery", wsCpuUs)
              .put("longPollDelivered", lpDelivered.get())
              .put("webSocketDelivered", wsDelivered.get())
              .put("pollsAnswered", lpPolls);
      System.out.printf(
          "live heap per idle session: long-poll %.2f KB, WebSocket %.2f KB%n",
          r.getDouble("heapKbPerLongPollSession"), r.getDouble("heapKbPerWebSocket"));
      System.out.printf(
          "server CPU per delivered message at %d broadcasts/s to %,d subscribers: long-poll %.2f µs,"
              + " WebSocket %.2f µs (%,d polls answered)%n",
          rate, n, lpCpuUs, wsCpuUs, lpPolls);
      out.write(r);
      return lpDelivered.get() == (long) n * broadcasts
              && wsDelivered.get() == (long) n * broadcasts
          ? 0
          : 1;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Broadcasts at {@code rate}/s until every subscriber has every one; server CPU µs per delivery.
   */
  private static double cpuPerDelivery(
      Vertx vertx,
      WebSocket publisher,
      String topic,
      String joinRef,
      int broadcasts,
      int rate,
      int subscribers,
      AtomicLong delivered,
      long pid)
      throws Exception {
    long start = delivered.get();
    long cpu0 = pid > 0 ? ProcStats.cpuNanos(pid) : 0;
    Promise<Void> sent = Promise.promise();
    int[] next = {0};
    vertx.setPeriodic(
        Math.max(1, 1000 / rate),
        id -> {
          if (next[0] == broadcasts) {
            vertx.cancelTimer(id);
            sent.tryComplete();
            return;
          }
          int i = next[0]++;
          publisher.writeTextMessage(
              frame(
                  joinRef, topic + i, topic, "shout", "{\"n\":" + i + ",\"pad\":\"0123456789\"}"));
        });
    await(sent.future(), 120);
    long want = start + (long) broadcasts * subscribers;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (delivered.get() < want && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long cpu1 = pid > 0 ? ProcStats.cpuNanos(pid) : 0;
    long got = delivered.get() - start;
    return got > 0 && pid > 0 ? (cpu1 - cpu0) / 1e3 / got : -1;
  }

  /** A client as phoenix.js's LongPoll drives one: open, join, then one poll after another. */
  private static final class LongPollSession {
    private static final String PATH = "/socket/longpoll";
    private final HttpClient http;
    private final String userToken;
    private final AtomicLong delivered;
    private final AtomicLong polls;
    private final Promise<Void> joined = Promise.promise();
    private String session;

    LongPollSession(HttpClient http, String userToken, AtomicLong delivered, AtomicLong polls) {
      this.http = http;
      this.userToken = userToken;
      this.delivered = delivered;
      this.polls = polls;
    }

    Future<Void> start() {
      request(HttpMethod.GET, "?vsn=2.0.0&token=" + enc(userToken), null)
          .compose(
              opened -> {
                session = opened.getString("token");
                return request(
                    HttpMethod.POST, sessionQuery(), frame("1", "1", LP_TOPIC, "phx_join", "{}"));
              })
          .onSuccess(posted -> poll())
          .onFailure(joined::tryFail);
      return joined.future();
    }

    private void poll() {
      request(HttpMethod.GET, sessionQuery(), null)
          .onSuccess(
              answer -> {
                int status = answer.getInteger("status");
                if (status == 200) {
                  polls.incrementAndGet();
                  int got = 0;
                  for (Object m : answer.getJsonArray("messages", new JsonArray())) {
                    String frame = (String) m;
                    if (frame.contains(EVENT)) {
                      got++;
                    } else if (frame.contains("phx_reply")) {
                      joined.tryComplete();
                    }
                  }
                  delivered.addAndGet(got);
                }
                if (status == 200 || status == 204) {
                  poll();
                } else {
                  joined.tryFail("poll answered " + answer.encode());
                }
              })
          .onFailure(joined::tryFail);
    }

    private Future<JsonObject> request(HttpMethod method, String query, String body) {
      RequestOptions o = new RequestOptions().setMethod(method).setURI(PATH + query);
      if (body != null) {
        o.putHeader("Content-Type", "application/x-ndjson");
      }
      return http.request(o)
          .compose(req -> body == null ? req.send() : req.send(body))
          .compose(HttpClientResponse::body)
          .map(b -> new JsonObject(b));
    }

    private String sessionQuery() {
      return "?vsn=2.0.0&token=" + enc(session);
    }
  }

  private static Future<Void> joinWebSocket(
      WebSocketClient client, URI url, String token, String topic, AtomicLong delivered) {
    Promise<Void> joined = Promise.promise();
    client
        .connect(url.getPort(), url.getHost(), "/socket/websocket?vsn=2.0.0&token=" + enc(token))
        .onSuccess(
            ws -> {
              ws.textMessageHandler(
                  text -> {
                    if (text.contains(EVENT)) {
                      delivered.incrementAndGet();
                    } else if (text.contains("phx_reply")) {
                      joined.tryComplete();
                    }
                  });
              ws.writeTextMessage(frame("1", "1", topic, "phx_join", "{}"));
            })
        .onFailure(joined::tryFail);
    return joined.future();
  }

  private static WebSocket connect(WebSocketClient client, URI url, String token) throws Exception {
    return client
        .connect(url.getPort(), url.getHost(), "/socket/websocket?vsn=2.0.0&token=" + enc(token))
        .await(10, TimeUnit.SECONDS);
  }

  private static String frame(
      String joinRef, String ref, String topic, String event, String payload) {
    return "["
        + (joinRef == null ? "null" : "\"" + joinRef + "\"")
        + ",\""
        + ref
        + "\",\""
        + topic
        + "\",\""
        + event
        + "\","
        + payload
        + "]";
  }

  private static void await(Future<?> f, int seconds) throws Exception {
    f.await(seconds, TimeUnit.SECONDS);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
