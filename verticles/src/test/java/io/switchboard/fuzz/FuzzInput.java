package io.switchboard.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * One generated (or replayed) input and what the server may answer to it.
 *
 * @param family the generator that made it ({@code json}, {@code frame}, {@code binary}, {@code
 *     bridge}, {@code api}, {@code corpus}), for the figures and for failures
 * @param target where it is sent
 * @param bytes what goes on the wire: WebSocket frames for {@link Target#PHOENIX} and {@link
 *     Target#BRIDGE}, a whole HTTP request for {@link Target#API}
 * @param expect what counts as handled
 * @param ref for {@link Expect#REPLY}: the ref (or bridge reply address) the answer must carry
 * @param what a short description for failures
 * @param closes the close codes that count as a documented answer to it (for the API: the HTTP
 *     statuses)
 */
record FuzzInput(
    String family,
    Target target,
    byte[] bytes,
    Expect expect,
    String ref,
    String what,
    java.util.Set<Integer> closes) {

  enum Target {
    /** A joined Phoenix socket at {@code /socket/websocket}. */
    PHOENIX,
    /** A joined Phoenix socket that negotiated permessage-deflate. */
    PHOENIX_DEFLATE,
    /** A SockJS raw WebSocket at {@code /eventbus/websocket}. */
    BRIDGE,
    /** An HTTP request on the socket port (the API), on a connection of its own. */
    API
  }

  enum Expect {
    /** A reply carrying {@link #ref}, or a documented close. */
    REPLY,
    /** The socket answers the next sentinel, or closes with a documented code. */
    ANSWERED,
    /** The socket must close with one of {@link #closes}. */
    CLOSED,
    /**
     * The input stops mid-frame (or mid-request) and the client sends EOF: the server must drop the
     * connection, with or without a close frame, and never wait for the rest.
     */
    DROPPED
  }

  static String abbreviate(String s) {
    return s.length() <= 160 ? s : s.substring(0, 160) + "…(" + s.length() + " chars)";
  }

  String printable() {
    return family + "/" + target + " " + what;
  }

  static String hex(byte[] b, int max) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, max); i++) {
      s.append(String.format("%02x", b[i] & 0xff));
    }
    return b.length > max ? s + "…(" + b.length + " bytes)" : s.toString();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
