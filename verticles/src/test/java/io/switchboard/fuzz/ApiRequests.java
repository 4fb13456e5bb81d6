package io.switchboard.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * HTTP API requests ({@code api/HttpApi}, {@code api/HistoryApi}) with hostile bodies and
 * parameters: bad JSON, every type in every field, lone surrogates, deep nesting, 1e999, bodies
 * over the limit, bad base64, lying or chunked lengths, unknown paths and methods. Topics are the
 * API's own ({@code *:api*}), so that no broadcast reaches the fuzzing sockets or the bystanders.
 */
final class ApiRequests {
  static final String KEY = "fuzz-api-key-0123456789abcdef";

  /** The statuses docs/PROTOCOL.md and HttpApi document for a request the API refuses or takes. */
  static final Set<Integer> STATUSES = Set.of(200, 400, 401, 404, 405, 408, 413, 414, 431);

  private final SplittableRandom rnd;
  private final JsonValues values;

  ApiRequests(SplittableRandom rnd) {
    this.rnd = rnd;
    this.values = new JsonValues(rnd);
  }

  FuzzInput next() {
    int pick = rnd.nextInt(20);
    if (pick < 9) {
      return publish();
    }
    if (pick < 11) {
      String body =
          pick(
              "{\"user\":" + values.value(1) + "}",
              "{\"user\":\"nobody-" + rnd.nextInt(9) + "\"}",
              "{}",
              "[]",
              "{\"user\":\"\\ud800\"}",
              values.value(2),
              "not json");
      return input(
          "POST", "/api/disconnect", body.getBytes(StandardCharsets.UTF_8), "disconnect " + body);
    }
    if (pick < 14) {
      String topic =
          pick(
              "room:api",
              "room:api-" + rnd.nextInt(5),
              "%ZZ",
              "room%3Aapi",
              "..%2F..",
              "%ED%A0%80",
              "%C3",
              "chat:api",
              "presence:api",
              "nothing:api",
              "x".repeat(3000),
              "%00");
      String what =
          pick(
              "subscribers",
              "presence",
              "history",
              "history?since=" + values.number(),
              "history?limit=" + values.number(),
              "history?since=-1&limit=0",
              "history?since=abc",
              "history?limit=99999999999999999999",
              "nope");
      return input(
          "GET", "/api/topics/" + topic + "/" + what, new byte[0], "GET " + topic + "/" + what);
    }
    if (pick < 15) {
      String method = pick("PUT", "DELETE", "PATCH", "GET", "OPTIONS");
      String path =
          pick(
              "/api/publish", "/api/disconnect", "/api/", "/api/x/y/z", "/api/topics//subscribers");
      return input(method, path, "{}".getBytes(StandardCharsets.UTF_8), method + " " + path);
    }
    if (pick < 16) {
      // No key, a wrong one.
      byte[] request =
          ("POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + pick(
                      "",
                      "Authorization: apikey wrong\r\n",
                      "X-API-Key: \r\n",
                      "Authorization: Bearer " + KEY + "\r\n")
                  + "Content-Length: 2\r\nConnection: close\r\n\r\n{}")
              .getBytes(StandardCharsets.US_ASCII);
      return new FuzzInput(
          "api",
          FuzzInput.Target.API,
          request,
          FuzzInput.Expect.ANSWERED,
          null,
          "publish without the right key",
          Set.of(401));
    }
    if (pick < 17) {
      // Content-Length says more than is sent, then EOF.
      byte[] body = "{\"topic\":\"room:api\",\"event\":\"e\"}".getBytes(StandardCharsets.UTF_8);
      byte[] request = request("POST", "/api/publish", body);
      String head =
          new String(request, StandardCharsets.US_ASCII)
              .replace(
                  "Content-Length: " + body.length,
                  "Content-Length: " + (body.length + 1 + rnd.nextInt(100_000)));
      return new FuzzInput(
          "api",
          FuzzInput.Target.API,
          head.getBytes(StandardCharsets.US_ASCII),
          FuzzInput.Expect.DROPPED,
          null,
          "a body shorter than its Content-Length, then EOF",
          STATUSES);
    }
    if (pick < 18) {
      // Chunked, with bad or huge chunk sizes.
      String chunks =
          pick(
              "5\r\n{\"a\":\r\n0\r\n\r\n",
              "zz\r\n{}\r\n0\r\n\r\n",
              "FFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n",
              "2\r\n{}\r\n",
              "-1\r\n{}\r\n0\r\n\r\n",
              "20000\r\n" + "a".repeat(10) + "\r\n0\r\n\r\n");
      byte[] request =
          ("POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: apikey "
                  + KEY
                  + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                  + chunks)
              .getBytes(StandardCharsets.US_ASCII);
      return new FuzzInput(
          "api",
          FuzzInput.Target.API,
          request,
          FuzzInput.Expect.DROPPED,
          null,
          "chunked body " + FuzzInput.abbreviate(chunks.replace("\r\n", "|")),
          STATUSES);
    }
    byte[] big = new byte[65_537 + rnd.nextInt(200_000)];
    java.util.Arrays.fill(big, (byte) 'a');
    return new FuzzInput(
        "api",
        FuzzInput.Target.API,
        request("POST", "/api/publish", big),
        FuzzInput.Expect.ANSWERED,
        null,
        big.length + "-byte body",
        Set.of(413));
  }

  private FuzzInput publish() {
    String topic =
        pick(
            "\"room:api\"",
            "\"room:api-" + rnd.nextInt(5) + "\"",
            "\"chat:api\"",
            "\"presence:api\"",
            "\"notifications:api\"",
            "\"analytics:api\"",
            "\"batch:api\"",
            "\"stream:api\"",
            "\"nothing:api\"",
            "\"\"",
            "\"room:\\ud800\"",
            "\"room:" + "a".repeat(300) + "\"",
            "\"user_socket:nobody\"",
            values.value(1));
    String event =
        pick(
            "\"e\"",
            "\"shout\"",
            "\"\\ud800\"",
            "\"x\\udfff\"",
            "\"\"",
            "\"" + "e".repeat(300) + "\"",
            "\"phx_reply\"",
            values.value(1));
    String payload =
        pick(
            "{}",
            values.object(3),
            values.value(2),
            "{\"deep\":" + JsonValues.nested(rnd.nextBoolean() ? 200 : 10_000, true, "1") + "}",
            "{\"n\":1e999,\"z\":-0}",
            "{\"s\":\"\\ud800\"}");
    StringBuilder body = new StringBuilder("{");
    if (rnd.nextInt(8) != 0) {
      body.append("\"topic\":").append(topic).append(',');
    }
    if (rnd.nextInt(8) != 0) {
      body.append("\"event\":").append(event).append(',');
    }
    if (rnd.nextInt(6) == 0) {
      body.append("\"binary\":")
          .append(pick("\"aGVsbG8=\"", "\"!!notbase64\"", "17", "{}", "\"\""))
          .append(',');
    } else if (rnd.nextInt(8) != 0) {
      body.append("\"payload\":").append(payload).append(',');
    }
    body.append("\"x\":0}");
    String text = body.toString();
    int broken = rnd.nextInt(10);
    if (broken == 0) {
      text = text.substring(0, rnd.nextInt(text.length()));
    } else if (broken == 1) {
      text = pick("[]", "\"string\"", "17", "null", "", "{\"a\":1}{\"b\":2}", "\u0000");
    }
    return input("POST", "/api/publish", text.getBytes(StandardCharsets.UTF_8), "publish " + text);
  }

  private FuzzInput input(String method, String path, byte[] body, String what) {
    return new FuzzInput(
        "api",
        FuzzInput.Target.API,
        request(method, path, body),
        FuzzInput.Expect.ANSWERED,
        null,
        FuzzInput.abbreviate(what),
        STATUSES);
  }

  private String pick(String... options) {
    return options[rnd.nextInt(options.length)];
  }

  /** A whole request with the test's API key, its true length and {@code Connection: close}. */
  static byte[] request(String method, String path, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 200);
    out.writeBytes(
        (method
                + " "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: apikey "
                + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }
}
