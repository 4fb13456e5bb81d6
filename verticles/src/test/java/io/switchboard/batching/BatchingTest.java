package io.switchboard.batching;

import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * batch:* channels: one {@code batch} event per N messages or per T ms, in order, flushed on leave.
 */
class BatchingTest {

  static TestNode node(int maxMessages, long maxDelayMs) {
    return TestNode.start(
        c -> c.channel("batch:*").batchMaxMessages(maxMessages).batchMaxDelayMs(maxDelayMs));
  }

  static List<Object> values(JsonArray batchFrame) {
    return batchFrame.getJsonObject(4).getJsonArray("messages").stream()
        .map(m -> ((JsonObject) m).getValue("i"))
        .toList();
  }

  @Test
  void aFullBatchGoesOutAtTheCountInOrder() {
    // A one-hour delay: only the count can flush.
    try (TestNode node = node(3, 3_600_000);
        TestSocket sender = node.connect("a");
        TestSocket reader = node.connect("b")) {
      sender.join("1", "batch:count");
      reader.join("1", "batch:count");
      for (int i = 0; i < 6; i++) {
        sender.send("1", "r" + i, "batch:count", "add_message", new JsonObject().put("i", i));
        assertEquals("ok", status(sender.reply("r" + i)));
      }
      assertEquals(List.of(0, 1, 2), values(reader.event("batch:count", "batch")));
      assertEquals(List.of(3, 4, 5), values(reader.event("batch:count", "batch")));
    }
  }

  @Test
  void aPartialBatchGoesOutWhenTheDelayPasses() {
    try (TestNode node = node(1000, 100);
        TestSocket sender = node.connect("a");
        TestSocket reader = node.connect("b")) {
      sender.join("1", "batch:timer");
      reader.join("1", "batch:timer");
      sender.send("1", "2", "batch:timer", "add_message", new JsonObject().put("i", 1));
      sender.send("1", "3", "batch:timer", "add_message", new JsonObject().put("i", 2));
      sender.reply("3");
      assertEquals(List.of(1, 2), values(reader.event("batch:timer", "batch")));
    }
  }

  @Test
  void backendPublishesAreBatchedToo() {
    try (TestNode node = node(2, 3_600_000);
        TestSocket reader = node.connect("b")) {
      reader.join("1", "batch:backend");
      for (int i = 0; i < 2; i++) {
        Await.result(
            node.vertx
                .eventBus()
                .request(
                    Addresses.PUBLISH,
                    new JsonObject()
                        .put("topic", "batch:backend")
                        .put("event", "ignored")
                        .put("payload", new JsonObject().put("i", i))));
      }
      assertEquals(List.of(0, 1), values(reader.event("batch:backend", "batch")));
    }
  }

  @Test
  void aLeaveFlushesWhatIsPending() {
    try (TestNode node = node(1000, 3_600_000);
        TestSocket sender = node.connect("a");
        TestSocket reader = node.connect("b")) {
      sender.join("1", "batch:leave");
      reader.join("1", "batch:leave");
      sender.send("1", "2", "batch:leave", "add_message", new JsonObject().put("i", 7));
      sender.reply("2");
      sender.send("1", "3", "batch:leave", "phx_leave", new JsonObject());
      sender.reply("3");
      assertEquals(List.of(7), values(reader.event("batch:leave", "batch")));
    }
  }

  @Test
  void stoppingTheNodeFlushesPendingBatches() {
    try (TestNode node = node(1000, 3_600_000);
        TestSocket sender = node.connect("a")) {
      sender.join("1", "batch:stop");
      sender.send("1", "2", "batch:stop", "add_message", new JsonObject().put("i", 9));
      sender.reply("2");
      Await.result(node.vertx.undeploy(node.main.deployments().get("batching")));
      // The batching verticle's stop path flushed the one pending message.
      assertEquals(List.of(9), values(sender.event("batch:stop", "batch")));
    }
  }
}
