package io.switchboard.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** HTTP API requests with hostile bodies (see {@link #next}). */
final class ApiRequests {
  static final String KEY = "fuzz-api-key-0123456789abcdef";

  /** The statuses docs/PROTOCOL.md and HttpApi document for a request the API refuses or takes. */
  static final Set<Integer> STATUSES = Set.of(200, 400, 401, 404, 405, 408, 413, 414, 431);

  private ApiRequests() {}

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
