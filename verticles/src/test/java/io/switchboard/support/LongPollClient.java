package io.switchboard.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A raw long-poll client speaking what phoenix.js's {@code LongPoll} sends, over the JDK's
 * HttpClient: {@code GET /socket/longpoll} to open and to poll, NDJSON {@code POST}s to send.
 * Answers are the JSON bodies; {@link #lastHttpStatus} keeps the HTTP status of the last one.
 */
public final class LongPollClient {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private final HttpClient http;
  private final String base;
  public String session;
  public int lastHttpStatus;

  /** Frames polls brought that {@link #await} has not consumed yet. */
  private final List<JsonArray> received = new ArrayList<>();

  public LongPollClient(HttpClient http, int port) {
    this.http = http;
    this.base = "http://127.0.0.1:" + port + "/socket/longpoll";
  }

  /**
   * The same session from another HttpClient (its own connections) to {@code port}: another socket
   * verticle instance, or another node, may answer it.
   */
  public LongPollClient via(HttpClient other, int port) {
    LongPollClient c = new LongPollClient(other, port);
    c.session = session;
    return c;
  }

  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  /** Opens a session as phoenix.js does (vsn 2.0.0, the user's token as a param) and keeps it. */
  public JsonObject open(String userToken) {
    JsonObject answer = get("?vsn=2.0.0&token=" + enc(userToken));
    session = answer.getString("token");
    return answer;
  }

  /** One poll, held by the server until frames come or its window passes. */
  public JsonObject poll() {
    return get(sessionQuery());
  }

  /** A poll sent now and answered later. */
  public CompletableFuture<HttpResponse<String>> pollAsync() {
    return http.sendAsync(
        HttpRequest.newBuilder(URI.create(base + sessionQuery())).timeout(REQUEST_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** One NDJSON POST of {@code lines}. */
  public JsonObject post(List<String> lines) {
    return send(
        HttpRequest.newBuilder(URI.create(base + sessionQuery()))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines)))
            .timeout(REQUEST_TIMEOUT)
            .build());
  }

  public JsonObject post(String... frames) {
    return post(List.of(frames));
  }

  /** A V2 text frame. */
  public static String frame(Object... elements) {
    return new JsonArray(java.util.Arrays.asList(elements)).encode();
  }

  /** Polls until a frame matching {@code match} arrives (at most 20 polls); returns it. */
  public JsonArray await(String what, Predicate<JsonArray> match) {
    for (int polls = 0; polls < 20; polls++) {
      for (int i = 0; i < received.size(); i++) {
        if (match.test(received.get(i))) {
          return received.remove(i);
        }
      }
      JsonObject answer = poll();
      int status = answer.getInteger("status");
      if (status == 410) {
        throw new AssertionError("session gone while waiting for " + what);
      }
      if (status == 200) {
        for (Object m : answer.getJsonArray("messages")) {
          received.add(new JsonArray((String) m));
        }
      }
    }
    throw new AssertionError("no " + what + " in 20 polls; got " + received);
  }

  public JsonArray reply(String ref) {
    return await(
        "reply to " + ref, f -> "phx_reply".equals(f.getString(3)) && ref.equals(f.getString(1)));
  }

  public JsonArray event(String topic, String event) {
    return await(
        event + " on " + topic, f -> topic.equals(f.getString(2)) && event.equals(f.getString(3)));
  }

  public JsonObject get(String query) {
    return send(HttpRequest.newBuilder(URI.create(base + query)).timeout(REQUEST_TIMEOUT).build());
  }

  private JsonObject send(HttpRequest request) {
    try {
      HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
      lastHttpStatus = res.statusCode();
      return new JsonObject(res.body());
    } catch (IOException e) {
      throw new AssertionError(request + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(request + " interrupted", e);
    }
  }

  private String sessionQuery() {
    return "?vsn=2.0.0&token=" + enc(session);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
