package io.switchboard.socket;

import io.switchboard.auth.Origins;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Checks of an upgrade request before any token work: protocol version, browser origin, and where
 * the token is. A refusal becomes HTTP 403 before the upgrade, as Phoenix does; clients cannot read
 * the reason, our logs and the {@code websocket_rejected_connections_total{reason}} meter can.
 */
final class Handshake {
  static final String SUPPORTED_VSN = "2.0.0";
  private static final String BEARER_PREFIX = "base64url.bearer.phx.";
  private static final String SUBPROTOCOLS = "Sec-WebSocket-Protocol";

  /** Either a token to verify or the reason for refusing the upgrade. */
  record Result(String token, String rejection) {
    static Result reject(String reason) {
      return new Result(null, reason);
    }

    boolean rejected() {
      return rejection != null;
    }
  }

  private Handshake() {}

  static Result check(HttpServerRequest req, List<String> allowedOrigins) {
    if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
      return Result.reject("not_websocket");
    }
    if (!SUPPORTED_VSN.equals(req.getParam("vsn"))) {
      return Result.reject("unsupported_vsn");
    }
    String origin = req.getHeader("Origin");
    if (origin != null && !Origins.allowed(origin, req.getHeader("Host"), allowedOrigins)) {
      return Result.reject("origin");
    }
    String token = req.getParam("token");
    // All its lines, as one list: a client may split the header.
    List<String> lines = req.headers().getAll(SUBPROTOCOLS);
    String offered = lines.isEmpty() ? null : String.join(",", lines);
    if (token == null || token.isEmpty()) {
      token = tokenFromSubprotocols(offered);
    }
    hideBearer(req, offered);
    if (token == null || token.isEmpty()) {
      return Result.reject("no_token");
    }
    return new Result(token, null);
  }

  /**
   * phoenix.js 1.8's {@code authToken}: {@code Sec-WebSocket-Protocol: phoenix,
   * base64url.bearer.phx.<token>}. Despite the name, the client encodes with standard base64 and
   * strips the padding; accept both alphabets.
   */
  static String tokenFromSubprotocols(String header) {
    if (header == null) {
      return null;
    }
    for (String proto : header.split(",")) {
      String p = proto.trim();
      if (p.startsWith(BEARER_PREFIX)) {
        String encoded = p.substring(BEARER_PREFIX.length()).replace('-', '+').replace('_', '/');
        try {
          return new String(Base64.getDecoder().decode(pad(encoded)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * Takes the token out of the offered subprotocols before the handshake sees them: Netty logs the
   * whole header at FINE when it selects none of them (a client that offers only the bearer entry),
   * and a token must never reach a log. The answer is unchanged: the bearer entry is never
   * selected.
   */
  private static void hideBearer(HttpServerRequest req, String offered) {
    if (offered == null || !offered.contains(BEARER_PREFIX)) {
      return;
    }
    StringBuilder others = new StringBuilder();
    for (String proto : offered.split(",")) {
      String p = proto.trim();
      if (!p.isEmpty() && !p.startsWith(BEARER_PREFIX)) {
        others.append(others.length() == 0 ? "" : ", ").append(p);
      }
    }
    if (others.length() == 0) {
      req.headers().remove(SUBPROTOCOLS);
    } else {
      req.headers().set(SUBPROTOCOLS, others.toString());
    }
  }

  private static String pad(String b64) {
    int rem = b64.length() % 4;
    return rem == 0 ? b64 : b64 + "=".repeat(4 - rem);
  }
}
