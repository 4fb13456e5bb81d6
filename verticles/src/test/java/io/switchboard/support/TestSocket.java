package io.switchboard.support;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw Phoenix V2 client over a real WebSocket: sends frames as written, records every message
 * received (JsonArray for text, Buffer for binary) and the close code, and waits for them with a
 * deadline.
 */
public final class TestSocket implements AutoCloseable {
  public final WebSocket ws;
  private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final List<Object> seen = new ArrayList<>();
  public final CompletableFuture<Short> closed = new CompletableFuture<>();

  private TestSocket(WebSocket ws) {
    this.ws = ws;
    // V2 frames are arrays; V1 frames (vsn=1.0.0) objects, read with awaitObject.
    ws.textMessageHandler(
        s ->
            inbox.add(s.startsWith("{") ? new io.vertx.core.json.JsonObject(s) : new JsonArray(s)));
    ws.binaryMessageHandler(inbox::add);
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
  }

  public static TestSocket connect(WebSocketClient client, int port, String query) {
    return new TestSocket(Await.result(client.connect(options(port, query))));
  }

  /**
   * Connects to another path than phoenix.js's, e.g. realtime-js's {@code /realtime/v1/websocket}.
   */
  public static TestSocket connectTo(WebSocketClient client, int port, String pathAndQuery) {
    return new TestSocket(
        Await.result(
            client.connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(port)
                    .setURI(pathAndQuery))));
  }

  public static Future<WebSocket> attempt(WebSocketClient client, WebSocketConnectOptions options) {
    return client.connect(options);
  }

  public static WebSocketConnectOptions options(int port, String query) {
    return new WebSocketConnectOptions()
        .setHost("127.0.0.1")
        .setPort(port)
        .setURI("/socket/websocket?" + query);
  }

  /** Sends {@code [joinRef, ref, topic, event, payload]} (any JSON values) as one text frame. */
  public TestSocket send(Object... elements) {
    return sendText(new JsonArray(java.util.Arrays.asList(elements)).encode());
  }

  public TestSocket sendText(String text) {
    Await.result(ws.writeTextMessage(text));
    return this;
  }

  public TestSocket sendBinary(Buffer data) {
    Await.result(ws.writeBinaryMessage(data));
    return this;
  }

  /** Joins and returns the reply frame. */
  public JsonArray join(String joinRef, String topic) {
    send(joinRef, joinRef, topic, "phx_join", new io.vertx.core.json.JsonObject());
    return reply(joinRef);
  }

  /** The next text frame matching, skipping (and keeping for {@link #seen}) the others. */
  public JsonArray await(String what, Predicate<JsonArray> match) {
    Object m = awaitAny(what, o -> o instanceof JsonArray a && match.test(a));
    return (JsonArray) m;
  }

  /**
   * The next text frame matching within {@code within}, if one comes; others are kept for {@link
   * #seen}.
   */
  public java.util.Optional<JsonArray> poll(Predicate<JsonArray> match, java.time.Duration within) {
    return next(o -> o instanceof JsonArray a && match.test(a), within).map(JsonArray.class::cast);
  }

  /** The next V1 (object) frame matching, skipping (and keeping for {@link #seen}) the others. */
  public io.vertx.core.json.JsonObject awaitObject(
      String what, Predicate<io.vertx.core.json.JsonObject> match) {
    return (io.vertx.core.json.JsonObject)
        awaitAny(what, o -> o instanceof io.vertx.core.json.JsonObject j && match.test(j));
  }

  public Buffer awaitBinary(String what) {
    return (Buffer) awaitAny(what, o -> o instanceof Buffer);
  }

  private Object awaitAny(String what, Predicate<Object> match) {
    return next(match, TestNode.DEADLINE)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no "
                        + what
                        + " within "
                        + TestNode.DEADLINE
                        + "; received meanwhile: "
                        + seenNow()));
  }

  /**
   * The first frame matching, from those kept in {@link #seen} or arriving within {@code within}.
   */
  private java.util.Optional<Object> next(Predicate<Object> match, java.time.Duration within) {
    synchronized (seen) {
      for (int i = 0; i < seen.size(); i++) {
        if (match.test(seen.get(i))) {
          return java.util.Optional.of(seen.remove(i));
        }
      }
    }
    long deadline = System.nanoTime() + within.toNanos();
    try {
      for (long left = within.toNanos(); left > 0; left = deadline - System.nanoTime()) {
        Object m = inbox.poll(left, TimeUnit.NANOSECONDS);
        if (m == null) {
          break;
        }
        if (match.test(m)) {
          return java.util.Optional.of(m);
        }
        synchronized (seen) {
          seen.add(m);
        }
      }
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The reply to {@code ref}. */
  public JsonArray reply(String ref) {
    return await(
        "reply to ref " + ref,
        a -> "phx_reply".equals(a.getString(3)) && ref.equals(a.getString(1)));
  }

  /** The next frame with this topic and event. */
  public JsonArray event(String topic, String event) {
    return await(
        event + " on " + topic, a -> topic.equals(a.getString(2)) && event.equals(a.getString(3)));
  }

  /**
   * Everything received before the marker (ordering instead of a timed wait); the marker itself
   * stays to be read (e.g. by {@link #reply}).
   */
  public List<Object> drainUntil(String what, Predicate<JsonArray> marker) {
    List<Object> before = new ArrayList<>();
    synchronized (seen) {
      before.addAll(seen);
      seen.clear();
    }
    long deadline = System.nanoTime() + TestNode.DEADLINE.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        Object m = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
        if (m == null) {
          throw new AssertionError("no " + what + " within " + TestNode.DEADLINE);
        }
        if (m instanceof JsonArray a && marker.test(a)) {
          synchronized (seen) {
            seen.add(a);
          }
          return before;
        }
        before.add(m);
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private String seenNow() {
    synchronized (seen) {
      return seen.toString();
    }
  }

  /** The close code the server sent (-1 when none), waiting for the close. */
  public short closeCode() {
    try {
      return closed.get(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + TestNode.DEADLINE, e);
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      ws.close();
    }
  }

  public static String status(JsonArray reply) {
    return reply.getJsonObject(4).getString("status");
  }

  public static String reason(JsonArray reply) {
    return reply.getJsonObject(4).getJsonObject("response").getString("reason");
  }
}
