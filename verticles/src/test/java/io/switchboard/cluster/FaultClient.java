package io.switchboard.cluster;

import io.switchboard.support.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw Phoenix V2 client for fault runs that never blocks: it records every {@code shout} it
 * receives and the answer to every push it sends, so a run can count what was acknowledged, what
 * arrived, and what arrived twice. It heartbeats every 5 s, as a phoenix.js client with a long
 * interval would: a 20 s pause of its node goes unnoticed by it, as by phoenix.js's default 30 s.
 */
final class FaultClient {
  /** One shout received: who pushed it, its sequence number, and the frame's ref slot. */
  record Shout(String from, int n, String ref) {
    long offset() {
      return Long.parseLong(ref.substring(ref.lastIndexOf(':') + 1));
    }

    String epoch() {
      return ref.substring(0, ref.lastIndexOf(':'));
    }
  }

  final String name;
  final CompletableFuture<Short> closed = new CompletableFuture<>();
  private final Vertx vertx;
  private final WebSocket ws;
  private final Map<String, List<Shout>> received = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();

  /** Per topic: pushes answered ok, and those answered with an error (n → reason). */
  private final Map<String, Map<Integer, String>> acked = new ConcurrentHashMap<>();

  private final Map<String, Map<Integer, String>> refused = new ConcurrentHashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final Map<String, String> joinRefs = new ConcurrentHashMap<>();
  private final AtomicInteger refs = new AtomicInteger();
  private long publisher = -1;
  private int nextN;

  private FaultClient(String name, Vertx vertx, WebSocket ws) {
    this.name = name;
    this.vertx = vertx;
    this.ws = ws;
    ws.textMessageHandler(text -> received(new JsonArray(text)));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
    long heartbeat =
        vertx.setPeriodic(
            5_000,
            id ->
                send(
                    null, "hb" + refs.incrementAndGet(), "phoenix", "heartbeat", new JsonObject()));
    closed.whenComplete((code, err) -> vertx.cancelTimer(heartbeat));
  }

  static FaultClient connect(
      Vertx vertx, WebSocketClient client, int port, String token, String name) {
    WebSocket ws =
        Await.result(
            client.connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(port)
                    .setURI("/socket/websocket?vsn=2.0.0&token=" + token)));
    return new FaultClient(name, vertx, ws);
  }

  /** Joins and returns the reply's response. */
  JsonObject join(String topic, JsonObject params) {
    String ref = "j" + refs.incrementAndGet();
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    replies.put(ref, reply);
    joinRefs.put(topic, ref);
    send(ref, ref, topic, "phx_join", params);
    JsonObject answer;
    try {
      answer = reply.get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(name + ": no join reply on " + topic, e);
    }
    if (!"ok".equals(answer.getString("status"))) {
      throw new AssertionError(name + ": join of " + topic + " refused: " + answer);
    }
    return answer.getJsonObject("response");
  }

  /** From now on, a shout {@code {"p": name, "n": n}} to each topic every {@code everyMs}. */
  void publishEvery(long everyMs, List<String> topics) {
    publisher =
        vertx.setPeriodic(
            everyMs,
            id -> {
              if (closed.isDone()) {
                vertx.cancelTimer(id);
                return;
              }
              int n = nextN++;
              for (String topic : topics) {
                push(topic, n);
              }
            });
  }

  void stopPublishing() {
    vertx.cancelTimer(publisher);
  }

  /** Pushes sent and not answered yet (a closed socket's stay so). */
  int pending() {
    return pending.get();
  }

  List<Shout> received(String topic) {
    List<Shout> shouts = received.getOrDefault(topic, List.of());
    synchronized (shouts) {
      return List.copyOf(shouts);
    }
  }

  Map<Integer, String> acked(String topic) {
    return Map.copyOf(acked.getOrDefault(topic, Map.of()));
  }

  Map<Integer, String> refused(String topic) {
    return Map.copyOf(refused.getOrDefault(topic, Map.of()));
  }

  void close() {
    stopPublishing();
    if (!closed.isDone()) {
      ws.close();
    }
  }

  private void push(String topic, int n) {
    String ref = "p" + refs.incrementAndGet();
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    replies.put(ref, reply);
    pending.incrementAndGet();
    reply.thenAccept(
        answer -> {
          pending.decrementAndGet();
          if ("ok".equals(answer.getString("status"))) {
            JsonObject at = answer.getJsonObject("response", new JsonObject());
            acked
                .computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                .put(
                    n,
                    at.containsKey("offset")
                        ? at.getString("epoch") + ":" + at.getLong("offset")
                        : "");
          } else {
            refused
                .computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                .put(
                    n, answer.getJsonObject("response", new JsonObject()).getString("reason", "?"));
          }
        });
    send(joinRefs.get(topic), ref, topic, "shout", new JsonObject().put("p", name).put("n", n));
  }

  private void send(String joinRef, String ref, String topic, String event, JsonObject payload) {
    if (!closed.isDone()) {
      ws.writeTextMessage(
          new JsonArray().add(joinRef).add(ref).add(topic).add(event).add(payload).encode());
    }
  }

  private void received(JsonArray frame) {
    String event = frame.getString(3);
    if ("phx_reply".equals(event)) {
      CompletableFuture<JsonObject> reply = replies.remove(frame.getString(1));
      if (reply != null) {
        reply.complete(frame.getJsonObject(4));
      }
    } else if ("shout".equals(event)) {
      JsonObject p = frame.getJsonObject(4);
      received
          .computeIfAbsent(frame.getString(2), t -> Collections.synchronizedList(new ArrayList<>()))
          .add(new Shout(p.getString("p"), p.getInteger("n"), frame.getString(1)));
    }
  }
}
