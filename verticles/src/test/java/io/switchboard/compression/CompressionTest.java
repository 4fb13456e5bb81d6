package io.switchboard.compression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Set;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Payload compression (once per broadcast, room:* above 1 KB as shipped) and permessage-deflate
 * negotiation.
 */
class CompressionTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String inflate(String base64) throws Exception {
    Inflater inflater = new Inflater();
    inflater.setInput(Base64.getDecoder().decode(base64));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    while (!inflater.finished()) {
      int n = inflater.inflate(chunk);
      if (n == 0 && inflater.needsInput()) {
        throw new AssertionError("truncated zlib stream");
      }
      out.write(chunk, 0, n);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  static JsonObject typicalJson(int items) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < items; i++) {
      list.add(
          new JsonObject()
              .put("id", i)
              .put("user", "user-" + (i % 7))
              .put("text", "hello from the lobby number " + i)
              .put("tags", new JsonArray().add("chat").add("room")));
    }
    return new JsonObject().put("items", list);
  }

  @Test
  void largePayloadsOnRoomTopicsArriveCompressedAndInflateToTheOriginal() throws Exception {
    JsonObject payload = typicalJson(40);
    String original = payload.encode();
    assertTrue(original.length() > 1024);
    try (TestSocket sender = node.connect("a");
        TestSocket other = node.connect("b")) {
      sender.join("1", "room:zip");
      other.join("1", "room:zip");
      sender.sendText("[\"1\",\"2\",\"room:zip\",\"shout\"," + original + "]");
      JsonObject got = other.event("room:zip", "shout").getJsonObject(4);
      assertEquals(true, got.getBoolean("compressed"));
      assertEquals("zlib+base64", got.getString("encoding"));
      assertEquals(original, inflate(got.getString("data")), "inflates to the exact bytes sent");
      assertEquals(
          got,
          sender.event("room:zip", "shout").getJsonObject(4),
          "the sender gets the same frame");
      assertTrue(got.encode().length() * 3 < original.length(), "typical JSON shrinks at least 3x");
    }
  }

  @Test
  void smallPayloadsAndOtherChannelsStayPlain() {
    try (TestSocket s = node.connect("a")) {
      s.join("1", "room:small");
      s.join("3", "chat:big");
      JsonObject small = new JsonObject().put("body", "hi");
      s.send("1", "2", "room:small", "shout", small);
      assertEquals(small, s.event("room:small", "shout").getJsonObject(4));
      JsonObject big = typicalJson(40);
      s.send("3", "4", "chat:big", "shout", big);
      assertEquals(
          big, s.event("chat:big", "shout").getJsonObject(4), "chat:* has no compressAboveBytes");
      // Over the threshold but incompressible: compressing would make it larger, so it goes out as
      // it is.
      byte[] noise = new byte[1500];
      new java.util.Random(7).nextBytes(noise);
      JsonObject random =
          new JsonObject().put("blob", java.util.Base64.getEncoder().encodeToString(noise));
      s.send("1", "5", "room:small", "shout", random);
      assertEquals(
          random,
          s.event("room:small", "shout").getJsonObject(4),
          "sent plain when it would not shrink");
    }
  }

  @Test
  void permessageDeflateIsNegotiatedOnlyWhenEnabledAndOffered() {
    // Netty-based clients must allow client_no_context_takeover, which the server asks of every
    // client by default.
    WebSocketClient offering =
        node.vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setTryUsePerMessageCompression(true)
                .setCompressionAllowClientNoContext(true));
    String query = "token=" + node.token("d") + "&vsn=2.0.0";
    WebSocket off = Await.result(offering.connect(TestSocket.options(node.port(), query)));
    assertFalse(
        String.valueOf(off.headers().get("Sec-WebSocket-Extensions"))
            .contains("permessage-deflate"),
        "off by default");
    off.close();
    try (TestNode deflating = TestNode.start(c -> c.compression().permessageDeflate(true))) {
      String q = "token=" + deflating.token("d") + "&vsn=2.0.0";
      WebSocket on = Await.result(offering.connect(TestSocket.options(deflating.port(), q)));
      assertTrue(on.headers().get("Sec-WebSocket-Extensions").contains("permessage-deflate"));
      on.close();
      // Chrome's offer, sent by hand (this client then has no deflate codec, so it only reads the
      // answer).
      WebSocket chromeOffer =
          Await.result(
              deflating
                  .client()
                  .connect(
                      TestSocket.options(deflating.port(), q)
                          .addHeader(
                              "Sec-WebSocket-Extensions",
                              "permessage-deflate; client_max_window_bits")));
      assertEquals(
          Set.of("permessage-deflate", "server_no_context_takeover", "client_no_context_takeover"),
          extensionWords(chromeOffer),
          "no context takeover either way, though the browser offered neither");
      chromeOffer.close();
      WebSocket plain =
          Await.result(deflating.client().connect(TestSocket.options(deflating.port(), q)));
      assertTrue(
          plain.headers().get("Sec-WebSocket-Extensions") == null,
          "not negotiated when not offered");
      plain.close();
    }
  }

  @Test
  void deflatedSocketsGetEveryMessageIntactWhetherTheClientKeepsItsContextOrNot() {
    // With clientNoContextTakeover off, a client may keep its deflate context (its messages are
    // then inflated with a window kept per socket) while the server still drops its own after every
    // message; a client that agrees to no context drops it too. Browsers keeping theirs under the
    // default are DeflateBrowserTest's.
    try (TestNode deflating =
        TestNode.start(
            c -> c.compression().permessageDeflate(true).clientNoContextTakeover(false))) {
      String q = "token=" + deflating.token("d") + "&vsn=2.0.0";
      WebSocketClient keepsContext =
          deflating.vertx.createWebSocketClient(
              new WebSocketClientOptions().setTryUsePerMessageCompression(true));
      WebSocketClient noContext =
          deflating.vertx.createWebSocketClient(
              new WebSocketClientOptions()
                  .setTryUsePerMessageCompression(true)
                  .setCompressionAllowClientNoContext(true));
      try (TestSocket a = TestSocket.connect(keepsContext, deflating.port(), q);
          TestSocket b = TestSocket.connect(noContext, deflating.port(), q)) {
        assertEquals(
            Set.of("permessage-deflate", "server_no_context_takeover"),
            extensionWords(a.ws),
            "the context-keeping client is not asked to drop it");
        a.join("1", "chat:deflate");
        b.join("1", "chat:deflate");
        for (int i = 0; i < 5; i++) {
          // Repetitive on purpose: with context kept, message i+1 would be encoded against message
          // i.
          JsonObject payload =
              new JsonObject()
                  .put("n", i)
                  .put("text", "the same words again and again ".repeat(40));
          a.send("1", String.valueOf(10 + i), "chat:deflate", "shout", payload);
          assertEquals(
              payload, a.event("chat:deflate", "shout").getJsonObject(4), "message " + i + " to a");
          assertEquals(
              payload, b.event("chat:deflate", "shout").getJsonObject(4), "message " + i + " to b");
          b.send(
              "1",
              String.valueOf(20 + i),
              "chat:deflate",
              "shout",
              payload.copy().put("from", "b"));
          assertEquals(
              "b",
              a.event("chat:deflate", "shout").getJsonObject(4).getString("from"),
              "b's push " + i);
          assertEquals("b", b.event("chat:deflate", "shout").getJsonObject(4).getString("from"));
        }
      }
    }
  }

  /** The words of a socket's negotiated Sec-WebSocket-Extensions, without separators. */
  private static Set<String> extensionWords(WebSocket ws) {
    return Set.of(ws.headers().get("Sec-WebSocket-Extensions").split("\\s*;\\s*"));
  }
}
