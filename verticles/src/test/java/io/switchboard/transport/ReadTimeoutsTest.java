package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.metrics.MetricNames;
import io.switchboard.support.Await;
import io.switchboard.support.RawHttp;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slowloris: the socket port's read timeouts ({@code http.headerTimeoutMs}, {@code
 * http.bodyTimeoutMs}) close connections that send nothing, a head a byte at a time or an
 * unfinished body, and leave alone what is healthy: an idle WebSocket, a response that streams.
 * Short timeouts here (2 s: long enough for any healthy client of the test to send its request on a
 * busy machine); the test waits for the server's own close, never for time.
 */
class ReadTimeoutsTest {
  static final long TIMEOUT_MS = 2_000;
  static final String API_KEY = "read-timeouts-test-key-0123456789";
  static final String TIMEOUTS = MetricNames.HTTP_TIMEOUTS.replace('.', '_') + "_total";

  static TestNode node;
  static HttpClient http;

  @BeforeAll
  static void start() {
    node =
        TestNode.start(
            c -> {
              c.http().headerTimeoutMs(TIMEOUT_MS).bodyTimeoutMs(TIMEOUT_MS);
              c.api().key(API_KEY);
            });
    http = node.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aConnectionThatSendsNothingIsClosedWithoutAnAnswer() throws Exception {
    double before = timeouts("idle");
    try (Socket s = RawHttp.open(node.port())) {
      assertTrue(RawHttp.readUntilClosed(s).empty(), "no response to a request never sent");
    }
    Await.until("idle timeout counted", () -> timeouts("idle") == before + 1);
  }

  @Test
  void aHeadSentAByteAtATimeGets408AndTheClose() throws Exception {
    double before = timeouts("head");
    // Never ends: an idle timeout would never fire on it, a byte arrives every 20 ms.
    byte[] head =
        ("GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: "
                + "a".repeat(1000))
            .getBytes(StandardCharsets.US_ASCII);
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (Socket s = RawHttp.open(node.port())) {
      OutputStream out = s.getOutputStream();
      AtomicInteger sent = new AtomicInteger();
      trickle.scheduleAtFixedRate(
          () -> {
            int i = sent.getAndIncrement();
            try {
              if (i < head.length) {
                out.write(head[i]);
                out.flush();
              }
            } catch (Exception closed) {
              throw new IllegalStateException("stop"); // ends the schedule
            }
          },
          0,
          20,
          TimeUnit.MILLISECONDS);
      RawHttp.Answer answer = RawHttp.readUntilClosed(s);
      assertEquals(408, answer.status(), answer.raw());
      assertEquals("close", answer.header("Connection"));
      assertEquals(
          "request_timeout",
          new JsonObject(answer.body()).getJsonObject("error").getString("code"));
      assertTrue(sent.get() < head.length, "closed while the head was still coming");
    } finally {
      trickle.shutdownNow();
    }
    Await.until("head timeout counted", () -> timeouts("head") == before + 1);
  }

  @Test
  void anUnfinishedBodyGets408AndTheClose() throws Exception {
    double before = timeouts("body");
    try (Socket s = RawHttp.open(node.port())) {
      RawHttp.send(
          s,
          "POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: apikey "
              + API_KEY
              + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"topic\":");
      RawHttp.Answer answer = RawHttp.readUntilClosed(s);
      assertEquals(408, answer.status(), answer.raw());
      assertTrue(answer.body().contains("request body not received"), answer.body());
    }
    Await.until("body timeout counted", () -> timeouts("body") == before + 1);
  }

  @Test
  void aKeptAliveConnectionIsClosedQuietlyOnceIdle() throws Exception {
    try (Socket s = RawHttp.open(node.port())) {
      RawHttp.send(s, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      RawHttp.Answer rest = RawHttp.readUntilClosed(s);
      assertEquals(200, rest.status(), rest.raw());
      assertEquals(1, rest.raw().split("HTTP/1.1 ").length - 1, "one response, no 408 after it");
    }
  }

  @Test
  void anIdleWebSocketOutlivesTheHeaderTimeout() throws Exception {
    try (TestSocket ws = node.connect("idler")) {
      assertEquals("ok", TestSocket.status(ws.join("1", "room:idle")));
      // A connection opened after the socket, closed by its header timeout: the socket's own would
      // have run out by then.
      try (Socket later = RawHttp.open(node.port())) {
        RawHttp.readUntilClosed(later);
      }
      assertFalse(ws.closed.isDone(), "the socket is still open");
      ws.send(null, "hb", "phoenix", "heartbeat", new JsonObject());
      assertEquals("ok", TestSocket.status(ws.reply("hb")));
    }
  }

  @Test
  void aStreamingResponseIsNotCut() throws Exception {
    // SockJS xhr_streaming: one response that stays open; its request was whole long ago.
    CompletableFuture<Void> ended = new CompletableFuture<>();
    CompletableFuture<Void> opened = new CompletableFuture<>();
    HttpClient streaming = node.vertx.createHttpClient();
    Await.result(
        streaming
            .request(
                HttpMethod.POST,
                node.port(),
                "127.0.0.1",
                "/eventbus/000/streamer/xhr_streaming?token=" + node.token("streamer"))
            .compose(req -> req.send())
            .onSuccess(
                resp -> {
                  StringBuilder got = new StringBuilder();
                  resp.handler(
                      chunk -> {
                        if (got.append(chunk.toString()).toString().contains("\no\n")) {
                          opened.complete(null);
                        }
                      });
                  resp.endHandler(v -> ended.complete(null));
                  resp.exceptionHandler(ended::completeExceptionally);
                }));
    Await.result(io.vertx.core.Future.fromCompletionStage(opened));
    try (Socket later = RawHttp.open(node.port())) {
      RawHttp.readUntilClosed(later);
    }
    assertFalse(ended.isDone(), "the streaming response is still open");
    Await.result(streaming.close());
  }

  private static double timeouts(String phase) {
    return Scrape.value(http, node.main.metricsPort(), TIMEOUTS + "{phase=\"" + phase + "\"}");
  }
}
