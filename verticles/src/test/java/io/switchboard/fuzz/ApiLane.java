package io.switchboard.fuzz;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Sends each API request on a connection of its own and reads the whole answer (the requests say
 * {@code Connection: close}). The status must be one the API documents, an error body must carry a
 * documented code, and no request may hang.
 */
final class ApiLane {
  private final FuzzRun run;

  ApiLane(FuzzRun run) {
    this.run = run;
  }

  void send(FuzzInput input) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", run.port), 5_000);
      s.setSoTimeout(PhoenixLane.READ_TIMEOUT_MS);
      try {
        s.getOutputStream().write(input.bytes());
        s.getOutputStream().flush();
        if (input.expect() == FuzzInput.Expect.DROPPED) {
          s.shutdownOutput();
        }
      } catch (IOException writeFailed) {
        // answered (413) and closed before the body was all written: read the answer
      }
      byte[] answer = readAll(s.getInputStream());
      judge(input, new String(answer, StandardCharsets.ISO_8859_1));
    } catch (SocketTimeoutException e) {
      run.fail(input, "no answer within " + PhoenixLane.READ_TIMEOUT_MS + " ms (a hang)");
    } catch (IOException e) {
      run.fail(input, "the request failed: " + e);
    }
  }

  private void judge(FuzzInput input, String answer) {
    if (answer.isEmpty()) {
      if (input.expect() == FuzzInput.Expect.DROPPED) {
        run.handled(input, "dropped");
      } else {
        run.fail(input, "connection closed without an answer");
      }
      return;
    }
    if (!answer.startsWith("HTTP/1.") || answer.length() < 12) { // Netty answers a 414 in 1.0
      run.fail(input, "not an HTTP answer: " + FuzzInput.abbreviate(answer));
      return;
    }
    int status = Integer.parseInt(answer.substring(9, 12));
    if (!input.closes().contains(status)) {
      run.fail(input, "status " + status + ": " + FuzzInput.abbreviate(answer));
      return;
    }
    int bodyAt = answer.indexOf("\r\n\r\n");
    String body = bodyAt < 0 ? "" : answer.substring(bodyAt + 4);
    if (status != 200 && body.startsWith("{")) {
      try {
        String code =
            new JsonObject(
                    new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
                .getJsonObject("error")
                .getString("code");
        if (!Documented.API_CODES.contains(code)) {
          run.fail(input, "undocumented error code " + code);
          return;
        }
      } catch (RuntimeException e) {
        run.fail(input, "error body is not {\"error\": {\"code\"}}: " + FuzzInput.abbreviate(body));
        return;
      }
    }
    run.handled(input, "status " + status);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // a reset after the answer (the server closed with request bytes unread)
    }
    return out.toByteArray();
  }
}
