package io.switchboard.protocol;

/**
 * Every event-bus address Switchboard uses. Backends talk to the first three; the rest are between verticles.
 */
public final class Addresses {
  /**
   * Backends send (request) {@code {"topic", "event", "payload": {...}}} here to broadcast to a topic's
   * subscribers, or {@code {"topic", "event", "binary": "<base64>"}} for a V2 binary broadcast. The reply is
   * {@code {"status":"ok"}} or a failure with code 400 and what was wrong. {@code event: "disconnect"} to
   * {@code user_socket:<id>} closes that user's sockets instead.
   */
  public static final String PUBLISH = "switchboard.publish";
  /**
   * Client events on {@code ingest} topics are published here as
   * {@code {"topic", "event", "user", "payload": {...}, "received_at": epochMillis}}.
   */
  public static final String INGEST = "switchboard.ingest";
  /**
   * Stream channels' {@code flush}: published as {@code {"topic", "user", "values": [...]}} with the values the
   * socket buffered, in order.
   */
  public static final String STREAM = "switchboard.stream";
  /** Published {@code {"user": id}}: every socket verticle closes that user's sockets with 1001. */
  public static final String DISCONNECT = "switchboard.disconnect";
  /** Socket verticle → router: may this user join this topic? */
  public static final String ROUTE_JOIN = "switchboard.route.join";
  /** Socket verticle → router: a client push on a joined topic. */
  public static final String ROUTE_PUSH = "switchboard.route.push";
  /** Router → batching verticle: {@code {"topic", "payload"}} to add to the topic's pending batch. */
  public static final String BATCH_ADD = "switchboard.batch.add";
  /** Socket verticle → batching verticle: {@code {"topic"}} flush the topic's pending batch now (a leave). */
  public static final String BATCH_FLUSH = "switchboard.batch.flush";

  private Addresses() {
  }
}
