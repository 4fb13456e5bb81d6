package io.switchboard.metrics;

/**
 * Every meter Switchboard records, in one place. Prometheus adds {@code _total}, {@code _seconds}
 * suffixes.
 */
public final class MetricNames {
  /** Gauge: open Phoenix sockets on this node. */
  public static final String CONNECTIONS = "websocket.connections";

  /** Counter, tag {@code direction} = in|out: frames received from / written to sockets. */
  public static final String MESSAGES = "websocket.messages";

  /** Timer (histogram): handling time of one inbound message, receive to reply. */
  public static final String MESSAGE_DURATION = "websocket.message.duration";

  /** Counter, tag {@code reason}: upgrades refused before the WebSocket opened. */
  public static final String REJECTED_CONNECTIONS = "websocket.rejected.connections";

  /**
   * Gauge: connections the socket port holds open (sockets, bridge, API, requests being read), the
   * count {@code http.maxConnections} caps.
   */
  public static final String HTTP_CONNECTIONS = "switchboard.http.connections";

  /**
   * Counter, tag {@code phase} = idle|head|body: connections closed by the read timeouts (idle: no
   * request within {@code http.headerTimeoutMs}; head: part of one; body: a body not whole within
   * {@code http.bodyTimeoutMs}).
   */
  public static final String HTTP_TIMEOUTS = "switchboard.http.timeouts";

  /**
   * Counter, tag {@code reason}: requests refused before any handler saw them. {@code node_full}:
   * past {@code http.maxConnections}, requests other than upgrades (those count in {@link
   * #REJECTED_CONNECTIONS}); {@code origin}: any bridge request from a page of a foreign origin,
   * its WebSocket upgrade included.
   */
  public static final String HTTP_REFUSED = "switchboard.http.refused.requests";

  /** Counter, tag {@code code}: sockets the server closed. */
  public static final String SERVER_CLOSES = "websocket.server.closes";

  /**
   * Gauge: long-poll sessions this node holds (closed ones whose last frames wait for a poll
   * included); they count in {@link #CONNECTIONS} too.
   */
  public static final String LONGPOLL_SESSIONS = "switchboard.longpoll.sessions";

  /**
   * Counter, tag {@code answer} = messages|empty|gone: long polls answered by the node holding
   * their session.
   */
  public static final String LONGPOLL_POLLS = "switchboard.longpoll.polls";

  /**
   * Counter: long-poll requests (polls and POSTs) that reached a socket verticle instance other
   * than the session's, of this node or another, and were sent to it over the event bus.
   */
  public static final String LONGPOLL_FORWARDED = "switchboard.longpoll.forwarded";

  /** Counter: broadcasts published on this node (each encoded once). */
  public static final String BROADCASTS = "switchboard.broadcasts";

  /** Gauge: topics with subscribers on this node. */
  public static final String TOPICS = "switchboard.topics";

  /** Counter: broadcasts this node published to the cluster (one clustered publish each). */
  public static final String CLUSTER_PUBLISHED = "switchboard.cluster.published";

  /** Counter: broadcasts received from other nodes; k other interested nodes → k per broadcast. */
  public static final String CLUSTER_RECEIVED = "switchboard.cluster.received";

  /** Gauge: cluster members this node sees. */
  public static final String CLUSTER_NODES = "switchboard.cluster.nodes";

  /**
   * Gauge: 1 while this node's side of the cluster may serve, 0 while it is isolated (it sees too
   * few of the members, docs/CLUSTER.md "Isolation").
   */
  public static final String CLUSTER_SERVING = "switchboard.cluster.serving";

  /** Counter: times this node found itself isolated from its cluster. */
  public static final String CLUSTER_ISOLATIONS = "switchboard.cluster.isolations";

  /**
   * Counter, tag {@code stage} = before|after: payload bytes through the payload-compression
   * extension.
   */
  public static final String COMPRESSION_BYTES = "switchboard.compression.bytes";

  /** Summary (histogram): messages per flushed batch. */
  public static final String BATCH_SIZE = "switchboard.batch.size";

  /** Counter, tag {@code reason} = buffer_full|rate_limited: throttle events sent. */
  public static final String THROTTLES = "switchboard.throttles";

  /**
   * Counter: frames dropped because their socket was closing: not written (slow consumer cut off,
   * disconnect), or received from a client after the server closed it.
   */
  public static final String DROPPED = "switchboard.dropped.messages";

  /** Gauge: sockets whose reading is paused because their write queue is full. */
  public static final String PAUSED_SOCKETS = "switchboard.paused.sockets";

  /** Gauge: bytes written but not yet taken by clients, summed over sockets, sampled. */
  public static final String OUTBOUND_BYTES = "switchboard.outbound.queue.bytes";

  /** Gauge: presences of this node's sockets (one per socket per presence topic). */
  public static final String PRESENCES = "switchboard.presences";

  /**
   * Counter: presence diffs (or counts) this node sent its subscribers, one per topic per interval,
   * however many subscribers.
   */
  public static final String PRESENCE_DIFFS = "switchboard.presence.diffs";

  /** Summary (histogram): joins plus leaves (metas) per presence diff. */
  public static final String PRESENCE_DIFF_SIZE = "switchboard.presence.diff.size";

  /** Counter, tag {@code reason}: presence joins and updates refused. */
  public static final String PRESENCE_REFUSED = "switchboard.presence.refused";

  /**
   * Counter, tag {@code result} = ok, or the error reason with '_' for ' ' (invalid_token,
   * token_expired, token_sub_mismatch, invalid_payload): {@code access_token} pushes answered.
   */
  public static final String TOKEN_REFRESHES = "switchboard.token.refreshes";

  /** Counter: sockets closed (4001) because their token expired without a refresh. */
  public static final String TOKEN_EXPIRIES = "switchboard.token.expiries";

  public static final String TAG_DIRECTION = "direction";

  private MetricNames() {}

  /** Broadcasts appended to histories. */
  public static final String HISTORY_APPENDS = "switchboard.history.appends";

  /** Joins that asked to recover; tag {@code recovered} true or false. */
  public static final String HISTORY_RECOVERIES = "switchboard.history.recoveries";

  /** Broadcasts replayed to recovering joins. */
  public static final String HISTORY_REPLAYED = "switchboard.history.replayed";

  /** History reads for broadcasts that did not reach the node in time. */
  public static final String HISTORY_GAP_FILLS = "switchboard.history.gap.fills";

  /** Broadcasts a node's subscribers never got live (missed and no longer kept). */
  public static final String HISTORY_GAP_LOST = "switchboard.history.gap.lost";

  /**
   * Publishes and pushes that repeated an {@code idempotency_key} within the window and so
   * published nothing (on any topic, history or not), counted on the node that got the repeat.
   */
  public static final String HISTORY_IDEMPOTENT_DUPLICATES =
      "switchboard.history.idempotent.duplicates";
}
