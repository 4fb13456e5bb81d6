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
 * A bridge push whose body is JSON but not an object (found by FuzzTest: the push consumer cast it
 * to an object, threw on the event loop, logged SEVERE and never answered, so the client's reply
 * handler waited for the bridge's 30 s timeout): each gets an error reply at once, failure code
 * 400, and nothing is logged at SEVERE.
 */
class BridgePushBodyTest {
  @Test
  void aPushWhoseBodyIsNotAnObjectGetsAnErrorReply() throws Exception {
    List<String> severe = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
              severe.add(r.getMessage() + " " + r.getThrown());
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
      List<String> bodies = List.of("\"a string\"", "42", "[1,2]", "true", "null");
      for (int i = 0; i < bodies.size(); i++) {
        ws.writeTextMessage(
            "{\"type\":\"send\",\"address\":\"switchboard.bridge.push\",\"replyAddress\":\"r"
                + i
                + "\",\"body\":"
                + bodies.get(i)
                + "}");
        JsonObject reply = inbox.poll(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals("err", reply == null ? null : reply.getString("type"), bodies.get(i));
        assertEquals("r" + i, reply.getString("address"));
        assertEquals(400, reply.getInteger("failureCode"), bodies.get(i));
      }
      ws.close();
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
    assertEquals(List.of(), severe, "nothing logged at SEVERE");
  }
}
