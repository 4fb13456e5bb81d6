package io.switchboard.bench;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code recover}: history's costs on a server. Part one, {@code --rounds} times (after {@code
 * --warmup-rounds} not counted): a client joins a history topic, goes away, {@code --missed}
 * broadcasts are published, and the client rejoins with its position; the time from its join to the
 * last missed broadcast (p50/p99). Part two with {@code --pid} and {@code --api-key}: live heap per
 * kept broadcast, {@code --fill-topics} topics filled to {@code --keep} broadcasts of {@code
 * --payload-bytes} each over the HTTP API, against the heap before. One socket at a time: a
 * latency, not a load.
 */
final class RecoverCommand {
  private RecoverCommand() {}

  static int run(Args a) throws Exception {
    URI url = Loopback.requireUrl(a.str("url", "ws://127.0.0.1:4000/socket/websocket"));
    String token = a.str("token", "none");
    String topicPrefix = a.str("topic-prefix", "room:recover-");
    int rounds = a.integer("rounds", 50);
    int warmupRounds = a.integer("warmup-rounds", 10);
    int missed = a.integer("missed", 300);
    long pid = Long.parseLong(a.str("pid", "-1"));
    int fillTopics = a.integer("fill-topics", 200);
    int keep = a.integer("keep", 100);
    int payloadBytes = a.integer("payload-bytes", 100);
    Results.Sink out = Results.sink(a);
    a.rejectUnknown();
    Limits.check(2, 600);

    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient ws = vertx.createWebSocketClient();
      long[] micros = new long[rounds];
      String padding = "x".repeat(Math.max(0, payloadBytes - 20));
      // The first rejoins run the recovery code cold (JIT): not counted.
      for (int r = 0; r < warmupRounds; r++) {
        round(ws, url, token, topicPrefix + "warmup-" + r, missed, padding);
      }
      for (int r = 0; r < rounds; r++) {
        micros[r] = round(ws, url, token, topicPrefix + r, missed, padding);
      }
      Arrays.sort(micros);
      JsonObject result =
          new JsonObject()
              .put("command", "recover")
              .put("rounds", rounds)
              .put("missed", missed)
              .put("recoverP50Ms", micros[rounds / 2] / 1000.0)
              .put(
                  "recoverP99Ms",
                  micros[Math.min(rounds - 1, (int) Math.ceil(rounds * 0.99) - 1)] / 1000.0)
              .put("recoverMaxMs", micros[rounds - 1] / 1000.0);
      if (pid > 0) {
        long before = ProcStats.liveHeapKb(pid);
        fill(ws, url, token, fillTopics, keep, padding);
        long after = ProcStats.liveHeapKb(pid);
        result
            .put("keptBroadcasts", (long) fillTopics * keep)
            .put("heapBytesPerKept", (after - before) * 1024.0 / ((long) fillTopics * keep));
      }
      System.out.printf(
          "recovered %d missed broadcasts per rejoin, %d rejoins: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          missed,
          rounds,
          result.getDouble("recoverP50Ms"),
          result.getDouble("recoverP99Ms"),
          result.getDouble("recoverMaxMs"));
      if (result.containsKey("heapBytesPerKept")) {
        System.out.printf(
            "live heap per kept broadcast (%d-byte payloads, %d kept): %.0f bytes%n",
            payloadBytes, result.getLong("keptBroadcasts"), result.getDouble("heapBytesPerKept"));
      }
      out.write(result);
      return 0;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** One away-and-back: returns microseconds from the recovering join to the last missed one. */
  private static long round(
      WebSocketClient ws, URI url, String token, String topic, int missed, String padding)
      throws Exception {
    Socket away = Socket.open(ws, url, token);
    JsonObject at =
        away.join("1", topic, new JsonObject()).getJsonObject(4).getJsonObject("response");
    away.close();
    Socket publisher = Socket.open(ws, url, token);
    publisher.join("1", topic, new JsonObject());
    // Pipelined: every push is sent, then the last reply awaited (replies come in order).
    JsonObject last = null;
    for (int i = 1; i <= missed; i++) {
      publisher.send(
          "1", "p" + i, topic, "shout", new JsonObject().put("i", i).put("pad", padding));
    }
    last = publisher.reply("p" + missed).getJsonObject(4).getJsonObject("response");
    Socket back = Socket.open(ws, url, token);
    long target = last.getLong("offset");
    String endRef = last.getString("epoch") + ":" + target;
    Promise<Long> done = Promise.promise();
    back.onFrame(
        f -> {
          if (endRef.equals(f.getValue(1))) {
            done.tryComplete(System.nanoTime());
          }
        });
    long start = System.nanoTime();
    JsonObject reply =
        back.join(
                "2",
                topic,
                new JsonObject()
                    .put(
                        "recover",
                        new JsonObject()
                            .put("epoch", at.getString("epoch"))
                            .put("offset", at.getLong("offset"))))
            .getJsonObject(4)
            .getJsonObject("response");
    if (!Boolean.TRUE.equals(reply.getBoolean("recovered"))) {
      throw new IllegalStateException("not recovered: " + reply.encode());
    }
    long end = done.future().await(30, TimeUnit.SECONDS);
    back.close();
    publisher.close();
    return (end - start) / 1000;
  }

  /** Fills each topic to {@code keep} kept broadcasts from one socket, a topic at a time. */
  private static void fill(
      WebSocketClient ws, URI url, String token, int topics, int keep, String padding)
      throws Exception {
    Socket publisher = Socket.open(ws, url, token);
    for (int t = 0; t < topics; t++) {
      String topic = "room:heap-" + t;
      String joinRef = "j" + t;
      publisher.join(joinRef, topic, new JsonObject());
      for (int i = 1; i <= keep; i++) {
        publisher.send(
            joinRef,
            joinRef + "-" + i,
            topic,
            "shout",
            new JsonObject().put("i", i).put("pad", padding));
      }
      publisher.reply(joinRef + "-" + keep);
      publisher.send(joinRef, joinRef + "-leave", topic, "phx_leave", new JsonObject());
      publisher.reply(joinRef + "-leave");
    }
    publisher.close();
  }

  /** A JSON-frame Phoenix client for one socket: send, await a reply, watch frames. */
  private static final class Socket {
    private final WebSocket ws;
    private final java.util.concurrent.ConcurrentHashMap<String, Promise<JsonArray>> replies =
        new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Consumer<JsonArray> onFrame = f -> {};

    private Socket(WebSocket ws) {
      this.ws = ws;
      ws.textMessageHandler(
          text -> {
            JsonArray f = new JsonArray(text);
            if ("phx_reply".equals(f.getString(3))) {
              Promise<JsonArray> p = replies.remove(f.getString(1));
              if (p != null) {
                p.tryComplete(f);
              }
            } else {
              onFrame.accept(f);
            }
          });
    }

    static Socket open(WebSocketClient client, URI url, String token) throws Exception {
      WebSocketConnectOptions o =
          new WebSocketConnectOptions()
              .setHost(url.getHost())
              .setPort(url.getPort())
              .setURI(url.getPath() + "?vsn=2.0.0&token=" + token);
      return new Socket(client.connect(o).await(30, TimeUnit.SECONDS));
    }

    void onFrame(Consumer<JsonArray> handler) {
      onFrame = handler;
    }

    void send(String joinRef, String ref, String topic, String event, JsonObject payload) {
      replies.computeIfAbsent(ref, r -> Promise.promise());
      ws.writeTextMessage(
          new JsonArray().add(joinRef).add(ref).add(topic).add(event).add(payload).encode());
    }

    JsonArray reply(String ref) throws Exception {
      return replies
          .computeIfAbsent(ref, r -> Promise.promise())
          .future()
          .await(30, TimeUnit.SECONDS);
    }

    JsonArray join(String ref, String topic, JsonObject params) throws Exception {
      send(ref, ref, topic, "phx_join", params);
      return reply(ref);
    }

    void close() throws Exception {
      ws.close().await(10, TimeUnit.SECONDS);
    }
  }
}
