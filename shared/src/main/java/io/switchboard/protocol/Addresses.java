package io.switchboard.protocol;

/**
 * Every event-bus address Switchboard uses. Backends talk to the first three; the rest are between
 * verticles.
 */
public final class Addresses {
  /**
   * Backends send (request) {@code {"topic", "event", "payload": {...}}} here to broadcast to a
   * topic's subscribers, or {@code {"topic", "event", "binary": "<base64>"}} for a V2 binary
   * broadcast. The reply is {@code {"status":"ok"}} or a failure with code 400 and what was wrong.
   * {@code event: "disconnect"} to {@code user_socket:<id>} closes that user's sockets instead.
   */
  public static final String PUBLISH = "switchboard.publish";

  /**
   * Client events on {@code ingest} topics are published here as {@code {"topic", "event", "user",
   * "payload": {...}, "received_at": epochMillis}}.
   */
  public static final String INGEST = "switchboard.ingest";

  /**
   * Stream channels' {@code flush}: published as {@code {"topic", "user", "values": [...]}} with
   * the values the socket buffered, in order.
   */
  public static final String STREAM = "switchboard.stream";

  /** Published {@code {"user": id}}: every socket verticle closes that user's sockets with 1001. */
  public static final String DISCONNECT = "switchboard.disconnect";

  /**
   * Prefix of each socket verticle instance's long-poll address ({@code <prefix><instance id>}):
   * polls and POSTs that reached another instance, of this node or another, are sent here to the
   * one that holds the session.
   */
  public static final String LONGPOLL_PREFIX = "switchboard.longpoll.";

  /** Socket verticle → router: may this user join this topic? */
  /**
   * Request {@code {"topic": t}}: the topic's presences across the cluster, {@code {"topic",
   * "count", "connections", "presences": {key: {metas: [...]}}}}. Answered by any node that serves
   * sockets.
   */
  public static final String PRESENCE_LIST = "switchboard.presence.list";

  /** Hazelcast map of every tracked presence (one entry per joined socket). */
  public static final String PRESENCE_MAP = "switchboard.presence";

  /** The Hazelcast map of topic histories: topic → its stream (io.switchboard.history). */
  public static final String HISTORY_MAP = "switchboard.history";

  /**
   * The Hazelcast map of idempotency keys of topics without history: scoped key → the claim that
   * took it, for the window (io.switchboard.idempotency).
   */
  public static final String IDEMPOTENCY_MAP = "switchboard.idempotency";

  public static final String ROUTE_JOIN = "switchboard.route.join";

  /** Socket verticle → router: a client push on a joined topic. */
  public static final String ROUTE_PUSH = "switchboard.route.push";

  /**
   * Router → batching verticle: {@code {"topic", "payload"}} to add to the topic's pending batch.
   */
  public static final String BATCH_ADD = "switchboard.batch.add";

  /**
   * Socket verticle → batching verticles, published: {@code {"topic"}} flush the topic's pending
   * batch now (a leave). Published because in a cluster a send would reach one random node's
   * batching.
   */
  public static final String BATCH_FLUSH = "switchboard.batch.flush";

  /**
   * Node → node: broadcasts for a topic cross the cluster to {@code TOPIC_PREFIX + topic}, where
   * each node with subscribers of the topic has one consumer.
   */
  public static final String TOPIC_PREFIX = "switchboard.topic.";

  /**
   * Node → node: {@code NODE_SUBSCRIBERS_PREFIX + nodeId} answers {@code {"topic"}} with that
   * node's count.
   */
  public static final String NODE_SUBSCRIBERS_PREFIX = "switchboard.node.subscribers.";

  /**
   * Prefix of each node's address (+ its cluster id) that a draining node tells of its leave, with
   * its id as the body, so the others stop counting it towards their quorum before it goes ({@code
   * io.switchboard.cluster.ClusterGuard}).
   */
  public static final String NODE_LEAVING = "switchboard.node.leaving.";

  /**
   * Metrics verticle → every metrics verticle, published each second: one node's report for the
   * cluster view.
   */
  public static final String CLUSTER_REPORTS = "switchboard.cluster.reports";

  /**
   * Event bus bridge clients send {@code {"topic", "event", "payload"}} here to push as a Phoenix
   * client would; the only address they may send to.
   */
  public static final String BRIDGE_PUSH = "switchboard.bridge.push";

  /**
   * Event bus bridge clients register {@code BRIDGE_TOPIC_PREFIX + topic} to receive a topic's
   * broadcasts (node-local addresses, fed by the node's bridge fan-out).
   */
  public static final String BRIDGE_TOPIC_PREFIX = "topic:";

  private Addresses() {}
}
