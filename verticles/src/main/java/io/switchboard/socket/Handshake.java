package io.switchboard.socket;

import io.switchboard.auth.Origins;
import io.switchboard.protocol.WireFormat;
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
  /** Answered to a {@code vsn} we do not speak, with a body saying which we do. */
  static final int BAD_VSN_STATUS = 400;

  private static final String BEARER_PREFIX = "base64url.bearer.phx.";
  private static final String SUBPROTOCOLS = "Sec-WebSocket-Protocol";

  /**
   * Either a token to verify (and the format the client asked for; null: no {@code vsn}, told by
   * its first text frame) or the reason for refusing the upgrade.
   */
  record Result(String token, WireFormat format, String rejection) {
    static Result reject(String reason) {
      return new Result(null, null, reason);
    }

    /** realtime-js: its binary frames, not Phoenix's, under vsn=2.0.0. */
    Result forRealtime() {
      return format == WireFormat.V2 ? new Result(token, WireFormat.SUPABASE, null) : this;
    }

    boolean rejected() {
      return rejection != null;
    }
  }

  private Handshake() {}

  /**
   * Supabase realtime-js's path ({@code <url>/realtime/v1} plus {@code /websocket}): its {@code
   * apikey} param is the token, and V2 means its binary kinds.
   */
  static Result checkRealtime(HttpServerRequest req, List<String> allowedOrigins) {
    Result r = check(req, allowedOrigins, req.getParam(APIKEY));
    return r.rejected() ? r : r.forRealtime();
  }

  static final String APIKEY = "apikey";

  static Result check(HttpServerRequest req, List<String> allowedOrigins) {
    return check(req, allowedOrigins, null);
  }

  private static Result check(HttpServerRequest req, List<String> allowedOrigins, String apikey) {
    if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
      return Result.reject("not_websocket");
    }
    String vsn = req.getParam("vsn");
    WireFormat format = vsn == null ? null : format(vsn);
    if (vsn != null && format == null) {
      return Result.reject(UNSUPPORTED_VSN);
    }
    String origin = req.getHeader("Origin");
    if (origin != null && !Origins.allowed(origin, req.getHeader("Host"), allowedOrigins)) {
      return Result.reject("origin");
    }
    String token = apikey != null && !apikey.isEmpty() ? apikey : req.getParam("token");
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
    return new Result(token, format, null);
  }

  static final String UNSUPPORTED_VSN = "unsupported_vsn";

  /** The answer's body for {@link #UNSUPPORTED_VSN}: which versions there are. */
  static String unsupportedVsnBody(String vsn) {
    return "unsupported vsn '"
        + (vsn.length() > 20 ? vsn.substring(0, 20) + "..." : vsn)
        + "': this server speaks vsn=1.0.0 (JSON objects) and vsn=2.0.0 (JSON arrays)";
  }

  /** The format a {@code vsn} selects, or null if we do not speak it. */
  static WireFormat format(String vsn) {
    if (WireFormat.V1.vsn().equals(vsn)) {
      return WireFormat.V1;
    }
    return WireFormat.V2.vsn().equals(vsn) ? WireFormat.V2 : null;
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
