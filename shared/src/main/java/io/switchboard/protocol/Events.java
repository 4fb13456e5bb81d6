package io.switchboard.protocol;

/** Event names of the Phoenix protocol and of our extensions (see PROTOCOL in the README). */
public final class Events {
  public static final String JOIN = "phx_join";
  public static final String LEAVE = "phx_leave";
  public static final String REPLY = "phx_reply";
  public static final String CLOSE = "phx_close";
  public static final String ERROR = "phx_error";
  public static final String HEARTBEAT = "heartbeat";

  /** The topic that carries heartbeats. */
  public static final String PHOENIX_TOPIC = "phoenix";

  /** Sent to {@code user_socket:<id>}: closes every socket of that user. */
  public static final String DISCONNECT = "disconnect";

  public static final String USER_SOCKET_PREFIX = "user_socket:";

  /** Our extensions: a batched topic's broadcast, and the backpressure signal to one socket. */
  public static final String BATCH = "batch";

  public static final String THROTTLE = "throttle";

  /** Stream channels: buffer one value; hand the buffer to backends. */
  public static final String STREAM_DATA = "data";

  public static final String STREAM_FLUSH = "flush";

  /** Batch channels: the client event whose payload joins the topic's next {@code batch}. */
  public static final String BATCH_ADD_MESSAGE = "add_message";

  /** Broadcast channels: the client events allowed when a rule lists none (chat-style rooms). */
  public static final String BROADCAST_MESSAGE = "message";

  public static final String BROADCAST_SHOUT = "shout";

  /** Phoenix Presence: the full state, pushed with the join's join_ref after every (re)join. */
  public static final String PRESENCE_STATE = "presence_state";

  /** Phoenix Presence: {@code {joins, leaves}}, broadcast (join_ref null). */
  public static final String PRESENCE_DIFF = "presence_diff";

  /** Count-only presence: {@code {"count": n}} distinct users, instead of state and diffs. */
  public static final String PRESENCE_COUNT = "presence_count";

  /** Client push: {@code {"meta": {...}}} replaces this socket's presence meta. */
  public static final String PRESENCE_UPDATE = "presence_update";

  /**
   * Client push on any joined channel: {@code {"access_token": "<jwt>"}} replaces the socket's
   * token (same {@code sub}) and so extends its life, as Supabase realtime-js's {@code setAuth}
   * sends it. Answered by the socket itself, whatever the channel's kind or client events.
   */
  public static final String ACCESS_TOKEN = "access_token";

  /**
   * Server to client, on each joined channel before a close for an expired token: {@code
   * {"extension": "system", "status": "error", "message": ...}}, the shape Supabase uses.
   */
  public static final String SYSTEM = "system";

  /** Supabase realtime-js: a broadcast, {@code {"type": "broadcast", "event", "payload"}}. */
  public static final String BROADCAST = "broadcast";

  /** Supabase realtime-js: {@code {"type": "presence", "event": "track" | "untrack", ...}}. */
  public static final String PRESENCE = "presence";

  public static final String STATUS_OK = "ok";
  public static final String STATUS_ERROR = "error";

  private Events() {}
}
