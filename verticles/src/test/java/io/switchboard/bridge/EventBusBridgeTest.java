package io.switchboard.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.metrics.MetricNames;
import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SockJS bridge with the official JS bridge client from Node, next to a phoenix client. */
class EventBusBridgeTest {
  private static final String TOPICS = MetricNames.TOPICS.replace('.', '_');

  @Test
  void bridgeClientsSubscribePublishAndAreRefusedWhereTheyShouldBe() throws Exception {
    String apiKey = "bridge-test-api-key-0123456789";
    try (TestNode node = TestNode.start(c -> c.api().key(apiKey))) {
      PhoenixJsClientTest.runNodeTests(
          "bridge-client.test.js",
          Map.of(
              "SWITCHBOARD_HTTP_URL",
              "http://127.0.0.1:" + node.port(),
              "API_KEY",
              apiKey,
              "TOKEN_ALICE",
              node.token("alice"),
              "TOKEN_BOB",
              node.token("bob"),
              "MAX_HANDLERS",
              Integer.toString(node.main.configuration().bridge().maxHandlersPerSocket())),
          line -> {});
    }
  }

  /**
   * A registration whose join is answered after its socket closed leaves nothing behind: the node's
   * broker topics go back to where they were. The join for room:late is held in an event bus
   * interceptor until the close has been handled (seen as room:early, registered before, leaving
   * the broker), then let through; the test reads the gauge only after the bridge has handled the
   * join's reply (an inbound interceptor on that reply), never after a pause.
   */
  @Test
  void aRegistrationAnsweredAfterItsSocketClosedLeavesNoSubscription() {
    try (TestNode node = TestNode.start()) {
      Vertx vertx = node.vertx;
      HttpClient http = vertx.createHttpClient();
      double baseline = topics(node, http);

      Promise<Runnable> held = Promise.promise();
      Promise<String> replyAddress = Promise.promise();
      Promise<Void> replyHandled = Promise.promise();
      Handler<DeliveryContext<Object>> holdLateJoin =
          ctx -> {
            if (Addresses.ROUTE_JOIN.equals(ctx.message().address())
                && ctx.message().body() instanceof JsonObject body
                && "room:late".equals(body.getString("topic"))) {
              Context bridgeContext = Vertx.currentContext();
              replyAddress.tryComplete(ctx.message().replyAddress());
              held.tryComplete(() -> bridgeContext.runOnContext(v -> ctx.next()));
            } else {
              ctx.next();
            }
          };
      Handler<DeliveryContext<Object>> seeReplyHandled =
          ctx -> {
            ctx.next(); // delivers to the bridge's reply handler, on its event loop, before
            // returning
            String address = ctx.message().address();
            if (replyAddress.future().isComplete()
                && address.equals(replyAddress.future().result())) {
              replyHandled.tryComplete();
            }
          };
      vertx.eventBus().addOutboundInterceptor(holdLateJoin);
      vertx.eventBus().addInboundInterceptor(seeReplyHandled);

      WebSocket ws =
          Await.result(
              node.client()
                  .connect(
                      new WebSocketConnectOptions()
                          .setHost("127.0.0.1")
                          .setPort(node.port())
                          .setURI("/eventbus/websocket?token=" + node.token("alice"))));
      Await.result(ws.writeTextMessage(register("topic:room:early")));
      Await.until("room:early subscribed", () -> topics(node, http) == baseline + 1);
      Await.result(ws.writeTextMessage(register("topic:room:late")));
      Runnable release = Await.result(held.future());

      Await.result(ws.close());
      Await.until(
          "the close handled (room:early unsubscribed)", () -> topics(node, http) == baseline);
      release.run();
      Await.result(replyHandled.future());
      assertEquals(baseline, topics(node, http), "broker topics after the late join's reply");
    }
  }

  private static String register(String address) {
    return new JsonObject().put("type", "register").put("address", address).encode();
  }

  private static double topics(TestNode node, HttpClient http) {
    return Scrape.value(http, node.main.metricsPort(), TOPICS);
  }
}
