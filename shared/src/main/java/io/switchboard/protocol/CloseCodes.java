package io.switchboard.protocol;

/**
 * WebSocket close codes the server sends. Never 1000 for a server-side close: phoenix.js up to
 * 1.8.15 does not reconnect after a clean close, so everything a client should recover from uses a
 * code it reconnects on.
 */
public final class CloseCodes {
  /**
   * Server-initiated disconnect: idle timeout, user disconnect, node stopping. Client reconnects.
   */
  public static final short GOING_AWAY = 1001;

  /**
   * An RFC 6455 violation: an unmasked client frame, reserved bits or opcodes, an oversized or
   * fragmented control frame, a close frame with a code no endpoint may send.
   */
  public static final short PROTOCOL_ERROR = 1002;

  /** A frame that cannot be parsed far enough to answer (no ref or topic). */
  public static final short INVALID_FRAME = 1007;

  /**
   * Kept sending over its rate limit ({@code rateLimit.closeAfterRejected} rejections in a row).
   */
  public static final short POLICY_VIOLATION = 1008;

  /** A message larger than {@code limits.maxMessageBytes}. */
  public static final short MESSAGE_TOO_BIG = 1009;

  /** Node draining for a restart: reconnect elsewhere. */
  public static final short SERVICE_RESTART = 1012;

  /**
   * The socket's token expired and no {@code access_token} push refreshed it ({@code
   * auth.closeOnExpiry}). Client reconnects, with a fresh token if its params are a function.
   */
  public static final short TOKEN_EXPIRED = 4001;

  /**
   * The socket's outbound backlog stayed above {@code limits.maxOutboundBytes}: it does not read
   * fast enough.
   */
  public static final short SLOW_CONSUMER = 4008;

  /** Every code above: the ones a server close can carry. */
  public static final java.util.List<Short> SERVER_CODES =
      java.util.List.of(
          GOING_AWAY,
          PROTOCOL_ERROR,
          INVALID_FRAME,
          POLICY_VIOLATION,
          MESSAGE_TOO_BIG,
          SERVICE_RESTART,
          TOKEN_EXPIRED,
          SLOW_CONSUMER);

  /**
   * True for a code a peer may put in its close frame (RFC 6455 7.4 and the IANA registry):
   * 1000-1003, 1007-1014, and 3000-4999 for libraries and applications. 1004-1006 and 1015 are
   * reserved, the rest undefined.
   */
  public static boolean validInCloseFrame(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }

  private CloseCodes() {}
}
