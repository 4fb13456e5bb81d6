package io.switchboard.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Malformed bridge messages are answered with an {@code err} and logged at most at FINE (found by
 * FuzzTest: Vert.x logged each {@code {"type": 17}} at SEVERE, so any client could flood the log).
 */
class BridgeClientInputLogTest {
  @Test
  void malformedMessagesAreAnsweredAndNotLoggedAboveFine() throws Exception {
    List<String> loud = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() > Level.FINE.intValue()
                && BridgeLogFilter.BRIDGE_LOGGER.equals(r.getLoggerName())) {
              loud.add(r.getLevel() + " " + r.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger.getLogger("").addHandler(capture);
    try (TestNode node = TestNode.start()) {
      WebSocket ws =
          Await.result(
              node.client()
                  .connect(
                      new WebSocketConnectOptions()
                          .setHost("127.0.0.1")
                          .setPort(node.port())
                          .setURI("/eventbus/websocket?token=" + node.token("alice"))));
      LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
      ws.handler(b -> inbox.add(new JsonObject(b.toString())));
      List<String> messages =
          List.of(
              "{\"type\":17,\"address\":\"x\"}",
              "{\"type\":\"nope\",\"address\":\"x\"}",
              "{\"type\":\"send\",\"address\":\"switchboard.bridge.push\",\"replyAddress\":\""
                  + "r".repeat(40)
                  + "\",\"body\":{}}",
              "{\"type\":\"register\",\"address\":\"topic:room:" + "a".repeat(300) + "\"}");
      for (String m : messages) {
        ws.writeTextMessage(m);
        JsonObject answer = inbox.poll(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals("err", answer == null ? null : answer.getString("type"), m);
      }
      ws.close();
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
    assertEquals(List.of(), loud, "the bridge's logger said nothing above FINE");
  }
}
