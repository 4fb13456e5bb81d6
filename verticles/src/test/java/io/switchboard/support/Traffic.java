package io.switchboard.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A bit of every kind of traffic a node serves, for the metrics tests: two sockets on a {@code
 * room:} topic (joins, pushes, a broadcast), a {@code batch:} topic flushed once, a backend publish
 * over the HTTP API, a refused upgrade, a socket the server closes (1007) with frames after the
 * close dropped, and a socket over its rate limit (throttled). The two room sockets stay open until
 * {@link #close}, so gauges can be read while they are.
 */
public final class Traffic implements AutoCloseable {
  public static final String API_KEY = "api-key-for-metrics-tests-0123456789";

  /** The spammer's burst; the room and batch sockets send fewer messages than this each. */
  static final int BURST = 20;

  private final List<TestSocket> open = new ArrayList<>();

  private Traffic() {}

  /**
   * What the node's config needs for it: an API key, and a rate limit one socket reaches quickly.
   */
  public static void configure(TestConfig config) {
    config.api().key(API_KEY);
    config.rateLimit().messagesPerSecond(1).burst(BURST).closeAfterRejected(1000);
  }

  /**
   * Runs it all on {@code node} (configured with {@link #configure}); each step awaits its effect.
   */
  public static Traffic generate(TestNode node, HttpClient http) {
    Traffic t = new Traffic();
    TestSocket a = t.keep(node.connect("traffic-a"));
    TestSocket b = t.keep(node.connect("traffic-b"));
    a.join("1", "room:traffic");
    b.join("1", "room:traffic");
    a.send("1", "2", "room:traffic", "shout", new JsonObject().put("n", 1));
    a.reply("2");
    b.event("room:traffic", "shout");

    a.join("3", "batch:traffic");
    b.join("3", "batch:traffic");
    for (int i = 0; i < 2; i++) {
      a.send("3", "b" + i, "batch:traffic", "add_message", new JsonObject().put("i", i));
      a.reply("b" + i);
    }
    b.event("batch:traffic", "batch");

    RequestOptions publish =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(node.port())
            .setURI("/api/publish")
            .putHeader("Authorization", "apikey " + API_KEY);
    int status =
        Await.result(
            http.request(publish)
                .compose(
                    req ->
                        req.send(
                                Buffer.buffer(
                                    "{\"topic\":\"room:traffic\",\"event\":\"news\",\"payload\":{\"from\":\"backend\"}}"))
                            .map(resp -> resp.statusCode())));
    assertEquals(200, status, "backend publish");
    b.event("room:traffic", "news");

    Await.failure(
        node.client().connect(TestSocket.options(node.port(), "vsn=2.0.0"))); // no token: refused

    closedByServerWithFramesAfterTheClose(node, http);

    try (TestSocket spammer = node.connect("traffic-spammer")) {
      spammer.join("1", "room:traffic-spam");
      for (int i = 0; i < BURST + 5; i++) {
        spammer.send("1", "s" + i, "room:traffic-spam", "shout", new JsonObject());
      }
      spammer.event("room:traffic-spam", "throttle");
    }
    return t;
  }

  /**
   * Invalid JSON (the server closes with 1007), then pushes in the same TCP write, read after the
   * close: dropped. The raw socket stays open until both meters show it (Vert.x reads on until the
   * client's close frame).
   */
  private static void closedByServerWithFramesAfterTheClose(TestNode node, HttpClient http) {
    int metrics = node.main.metricsPort();
    String closes = "websocket_server_closes_total{code=\"1007\"}";
    String dropped = "switchboard_dropped_messages_total";
    String before = Scrape.text(http, metrics);
    double closesBefore = orZero(Scrape.value(before, closes));
    double droppedBefore = Scrape.value(before, dropped);
    try (Socket raw = new Socket("127.0.0.1", node.port())) {
      RawClient.upgrade(raw, node.token("traffic-culprit"), node.port());
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      burst.write(RawClient.maskedText("nonsense"));
      for (int i = 0; i < 5; i++) {
        burst.write(
            RawClient.maskedText(
                new JsonArray()
                    .add("1")
                    .add("p" + i)
                    .add("room:traffic")
                    .add("shout")
                    .add(new JsonObject())
                    .encode()));
      }
      raw.getOutputStream().write(burst.toByteArray());
      raw.getOutputStream().flush();
      Await.until(
          "the 1007 close and the 5 pushes after it counted",
          () -> {
            String now = Scrape.text(http, metrics);
            return orZero(Scrape.value(now, closes)) >= closesBefore + 1
                && Scrape.value(now, dropped) >= droppedBefore + 5;
          });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static double orZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private TestSocket keep(TestSocket s) {
    open.add(s);
    return s;
  }

  @Override
  public void close() {
    open.forEach(TestSocket::close);
  }
}
