package io.switchboard.socket;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** stream:* channels: a bounded per-socket buffer, throttle at the bound, flush to backends. */
class StreamChannelTest {

  @Test
  void bufferFillsToItsBoundThenThrottlesUntilFlushed() throws Exception {
    try (TestNode node = TestNode.start(c -> c.channel("stream:*").streamBufferMax(3));
        TestSocket s = node.connect("streamer")) {
      LinkedBlockingQueue<JsonObject> flushed = new LinkedBlockingQueue<>();
      MessageConsumer<JsonObject> backend =
          node.vertx.eventBus().consumer(Addresses.STREAM, m -> flushed.add(m.body()));
      Await.result(backend.completion());
      s.join("1", "stream:sensor");
      for (int i = 0; i < 3; i++) {
        s.send("1", "d" + i, "stream:sensor", "data", new JsonObject().put("value", i));
        assertEquals("ok", status(s.reply("d" + i)));
      }
      JsonObject throttle = s.event("stream:sensor", "throttle").getJsonObject(4);
      assertEquals("buffer_full", throttle.getString("reason"));
      assertEquals(3, throttle.getInteger("max"));
      s.send("1", "d3", "stream:sensor", "data", new JsonObject().put("value", 3));
      assertEquals("buffer full", reason(s.reply("d3")));

      s.send("1", "f", "stream:sensor", "flush", new JsonObject());
      JsonArray reply = s.reply("f");
      assertEquals("ok", status(reply));
      assertEquals(3, reply.getJsonObject(4).getJsonObject("response").getInteger("count"));
      JsonObject batch = flushed.poll(10, TimeUnit.SECONDS);
      assertEquals("stream:sensor", batch.getString("topic"));
      assertEquals("streamer", batch.getString("user"));
      assertEquals(new JsonArray().add(0).add(1).add(2), batch.getJsonArray("values"));

      s.send("1", "d4", "stream:sensor", "data", new JsonObject().put("value", 4));
      assertEquals("ok", status(s.reply("d4")), "accepting again after the flush");
      s.send("1", "bad", "stream:sensor", "data", new JsonObject().put("no_value", 1));
      assertEquals("invalid payload: data needs {\"value\": ...}", reason(s.reply("bad")));
      // Leaving hands the rest to backends too: nothing buffered is lost.
      s.send("1", "l", "stream:sensor", "phx_leave", new JsonObject());
      s.reply("l");
      assertEquals(
          new JsonArray().add(4), flushed.poll(10, TimeUnit.SECONDS).getJsonArray("values"));
      backend.unregister();
    }
  }

  @Test
  void theSocketsStreamBuffersAreAlsoBoundedInBytes() {
    // 1 KB over all of a socket's stream channels; the count bound (1000) is far away.
    try (TestNode node =
            TestNode.start(c -> c.limits().maxStreamBufferBytes(1024).maxMessageBytes(1024));
        TestSocket s = node.connect("streamer")) {
      s.join("1", "stream:a");
      s.join("2", "stream:b");
      String v = "x".repeat(300); // payload {"value":"xxx..."} = 312 bytes
      for (int i = 0; i < 3; i++) {
        s.send("1", "a" + i, "stream:a", "data", new JsonObject().put("value", v));
        assertEquals("ok", status(s.reply("a" + i)));
      }
      // 936 of 1,024 bytes held by stream:a: stream:b shares the socket's budget.
      s.send("2", "b0", "stream:b", "data", new JsonObject().put("value", v));
      assertEquals("buffer full", reason(s.reply("b0")));
      JsonObject throttle = s.event("stream:b", "throttle").getJsonObject(4);
      assertEquals("buffer_full", throttle.getString("reason"));
      assertEquals(1024, throttle.getInteger("max_bytes"));
      assertEquals(1000, throttle.getInteger("max"));
      // Flushing stream:a frees its bytes for both channels.
      s.send("1", "f", "stream:a", "flush", new JsonObject());
      assertEquals(3, s.reply("f").getJsonObject(4).getJsonObject("response").getInteger("count"));
      s.send("2", "b1", "stream:b", "data", new JsonObject().put("value", v));
      assertEquals("ok", status(s.reply("b1")));
    }
  }

  @Test
  void withTheShippedConfigAThousandValuesBackToBackFillTheBufferNotTheRateLimit() {
    // The seed's BackpressureChannel: 1000 data values as fast as it can. The socket-wide budget
    // (burst 200) would throttle it as rate_limited after about 200; stream:* ships with a budget
    // of its own.
    try (TestNode node = TestNode.start();
        TestSocket s = node.connect("backpressure")) {
      s.join("1", "stream:bp");
      for (int i = 0; i < 1000; i++) {
        s.send("1", "d" + i, "stream:bp", "data", new JsonObject().put("value", i));
      }
      for (int i = 0; i < 1000; i++) {
        assertEquals("ok", status(s.reply("d" + i)), "value " + i);
      }
      JsonObject throttle = s.event("stream:bp", "throttle").getJsonObject(4);
      assertEquals("buffer_full", throttle.getString("reason"));
      assertEquals(1000, throttle.getInteger("buffered"));
      s.send("1", "more", "stream:bp", "data", new JsonObject().put("value", "x"));
      assertEquals("buffer full", reason(s.reply("more")));
    }
  }

  @Test
  void aRulesOwnRateBudgetReplacesTheSocketWideOneForItsPushes() {
    try (TestNode node = TestNode.start(c -> c.channel("stream:*").rateLimit(1, 3));
        TestSocket s = node.connect("limited")) {
      s.join("1", "stream:slow");
      s.join("2", "room:free");
      for (int i = 0; i < 4; i++) {
        s.send("1", "d" + i, "stream:slow", "data", new JsonObject().put("value", i));
      }
      for (int i = 0; i < 3; i++) {
        assertEquals("ok", status(s.reply("d" + i)));
      }
      assertEquals("rate limited", reason(s.reply("d3")), "the stream rule's burst of 3 is spent");
      JsonObject throttle = s.event("stream:slow", "throttle").getJsonObject(4);
      assertEquals("rate_limited", throttle.getString("reason"));
      assertEquals(
          1, throttle.getInteger("limit_per_second"), "the rule's own rate, not the socket's");
      // The socket-wide budget was not charged: other channels go on.
      s.send("2", "r", "room:free", "shout", new JsonObject());
      assertEquals("ok", status(s.reply("r")));
    }
  }

  @Test
  void aRulesBudgetIsOnePerSocketNotPerTopic() {
    // More topics of the rule, or a rejoin, buy no extra budget.
    try (TestNode node = TestNode.start(c -> c.channel("stream:*").rateLimit(1, 3));
        TestSocket s = node.connect("many")) {
      s.join("1", "stream:a");
      s.join("2", "stream:b");
      s.send("1", "a0", "stream:a", "data", new JsonObject().put("value", 0));
      s.send("1", "a1", "stream:a", "data", new JsonObject().put("value", 1));
      assertEquals("ok", status(s.reply("a0")));
      assertEquals("ok", status(s.reply("a1")));
      s.join("3", "stream:b"); // a rejoin
      s.send("3", "b0", "stream:b", "data", new JsonObject().put("value", 2));
      s.send("3", "b1", "stream:b", "data", new JsonObject().put("value", 3));
      assertEquals("ok", status(s.reply("b0")));
      assertEquals("rate limited", reason(s.reply("b1")), "the rule's burst of 3 is shared");
    }
  }
}
