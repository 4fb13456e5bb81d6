package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load generator's byte peeks and the report's ratios: wrong here means every figure is wrong.
 */
class FramesAndReportTest {

  @Test
  void findsTheSendTimeInABroadcastWithoutParsing() {
    String push =
        Frames.push(
            "\"room:bench-0\"", "shout", 7, 123456789012L, 3, "\"" + Frames.padding(100) + "\"");
    String payload = push.substring(push.indexOf('{'), push.length() - 1);
    String real =
        Frames.push(
            "\"room:bench-0\"",
            "shout",
            7,
            System.nanoTime(),
            123456,
            "\"" + Frames.padding(100) + "\"");
    assertEquals(100, real.length() - real.indexOf('{') - 1);
    Buffer b = Buffer.buffer("xx[null,null,\"room:bench-0\",\"shout\"," + payload + "]yy");
    int from = 2;
    int to = b.length() - 2;
    assertTrue(Frames.isBroadcast(b, from, to));
    assertEquals(123456789012L, Frames.sendNanos(b, from, to));
    Buffer reply =
        Buffer.buffer(
            "[\"1\",\"7\",\"room:bench-0\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]");
    assertFalse(Frames.isBroadcast(reply, 0, reply.length()));
    assertTrue(Frames.indexOf(reply, Frames.STATUS_OK, 0, reply.length()) > 0);
    Buffer numbered =
        Buffer.buffer("[null,\"q3XkT0aB9c:42\",\"room:bench-0\",\"shout\"," + payload + "]");
    assertTrue(Frames.isBroadcast(numbered, 0, numbered.length()), "a history topic's broadcast");
    assertEquals(123456789012L, Frames.sendNanos(numbered, 0, numbered.length()));
    Buffer heartbeat =
        Buffer.buffer(
            "[null,\"hb\",\"phoenix\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]");
    assertFalse(Frames.isBroadcast(heartbeat, 0, heartbeat.length()));
    assertEquals(
        Frames.NOT_OURS,
        Frames.sendNanos(Buffer.buffer("[null,null,\"t\",\"e\",{\"x\":1}]"), 0, 25));
  }

  @Test
  void countsEveryMessageOfABatchAndReadsCompressedPayloads() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      FanoutLoad load = new FanoutLoad(vertx, 0, "add_message", "\"x\"", 1, -1);
      load.measureStart = 0;
      BenchSocket sub = new BenchSocket(0, "batch:bench-0", 0, load.subscriber);
      long t = System.nanoTime();
      String batch =
          "[null,null,\"batch:bench-0\",\"batch\",{\"messages\":[{\"t\":"
              + t
              + ",\"s\":1,\"p\":\"x\"},"
              + "{\"t\":"
              + t
              + ",\"s\":2,\"p\":\"x\"},{\"t\":"
              + t
              + ",\"s\":3,\"p\":\"x\"}]}]";
      Buffer b = Buffer.buffer(batch);
      load.subscriber.onFrame(sub, b, 0, b.length());
      assertEquals(3, load.received);
      assertEquals(1, load.framesMeasured);
      assertEquals(
          b.length() + 4, load.wireBytesMeasured); // 126..65535 bytes: a 4-byte frame header

      // The same payload as Switchboard's compression extension sends it: zlib, then base64.
      String payload = "{\"t\":" + t + ",\"s\":4,\"p\":" + Frames.typicalJson(4096, 7) + "}";
      java.util.zip.Deflater d = new java.util.zip.Deflater();
      d.setInput(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      d.finish();
      byte[] out = new byte[8192];
      int n = d.deflate(out);
      String data = java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(out, n));
      Buffer compressed =
          Buffer.buffer(
              "[null,null,\"room:bench-0\",\"shout\",{\"compressed\":true,"
                  + "\"encoding\":\"zlib+base64\",\"data\":\""
                  + data
                  + "\"}]");
      load.subscriber.onFrame(sub, compressed, 0, compressed.length());
      load.subscriber.onFrame(sub, compressed, 0, compressed.length());
      assertEquals(5, load.received);
      assertEquals(
          1,
          load.inflatedPayloads(),
          "the second subscriber's identical bytes are not inflated again");
      assertEquals(0, load.otherFrames);
      Buffer reply =
          Buffer.buffer(
              "[\"1\",\"1\",\"room:bench-0\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]");
      load.subscriber.onFrame(sub, reply, 0, reply.length());
      assertEquals(1, load.otherFrames);
    } finally {
      vertx.close();
    }
  }

  @Test
  void typicalJsonIsValidSizedAndCompressesLikeTraffic() {
    String json = Frames.typicalJson(4096, 42);
    String payload = "{\"t\":" + System.nanoTime() + ",\"s\":123456,\"p\":" + json + "}";
    new JsonObject(payload); // parses
    assertTrue(
        payload.length() > 3800 && payload.length() <= 4100, "payload bytes " + payload.length());
    assertEquals(json, Frames.typicalJson(4096, 42), "same seed, same text");
    java.util.zip.Deflater d = new java.util.zip.Deflater();
    d.setInput(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    d.finish();
    int n = d.deflate(new byte[8192]);
    // Not padding: varied text compresses a few times, not a thousand times.
    assertTrue(n > payload.length() / 10 && n < payload.length() / 2, "zlib bytes " + n);
  }

  @Test
  void publisherWindowAcksOldestFirst() {
    Publisher p = new Publisher(new BenchSocket(0, "room:x", 0, (s, b, f, t) -> {}), 2);
    p.sent(10);
    p.sent(20);
    assertFalse(p.hasRoom());
    assertEquals(10, p.ack());
    p.sent(30);
    assertEquals(20, p.ack());
    assertEquals(30, p.ack());
    assertEquals(Long.MIN_VALUE, p.ack());
  }

  @Test
  void tableShowsRatiosToTheBaseline() {
    JsonObject lat =
        new JsonObject().put("p50Ms", 1.0).put("p99Ms", 2.0).put("p999Ms", 3.0).put("maxMs", 4.0);
    JsonObject base =
        new JsonObject()
            .put("kind", "fanout")
            .put("target", "bare-coalesced")
            .put("scenario", "a")
            .put("offeredDeliveriesPerSec", 1000.0)
            .put("deliveriesPerSec", 400.0)
            .put("lost", 0L)
            .put("lossPct", 0.0)
            .put("latency", lat)
            .put("serverCpuNsPerDelivery", 1000.0)
            .put("serverCores", 1.0)
            .put("genCores", 0.5);
    JsonObject sb =
        base.copy()
            .put("target", "switchboard")
            .put("deliveriesPerSec", 200.0)
            .put("serverCpuNsPerDelivery", 2500.0);
    String table = ResultTable.render(List.of(sb, base), "bare-coalesced");
    assertTrue(table.contains("| a | switchboard | 1,000 | 200 | 0.50× |"), table);
    assertTrue(table.contains("| 2,500 | 2.50× |"), table);
  }
}
