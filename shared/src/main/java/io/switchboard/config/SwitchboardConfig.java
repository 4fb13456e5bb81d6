package io.switchboard.config;

import java.util.List;
import java.util.Optional;

/**
 * The whole configuration of a node, parsed and validated once at start by {@link ConfigReader}.
 * Immutable; each verticle takes the slice it needs. Keys and defaults are documented in {@code
 * docs/CONFIG.md} and {@code conf/config.json}.
 */
public record SwitchboardConfig(
    Node node,
    Http http,
    Metrics metrics,
    Auth auth,
    Limits limits,
    RateLimit rateLimit,
    Compression compression,
    Api api,
    Bridge bridge,
    Presence presence,
    History history,
    List<ChannelRule> channels,
    LongPoll longPoll) {

  /** The first rule whose pattern matches the topic, in config order. */
  public Optional<ChannelRule> ruleFor(String topic) {
    for (ChannelRule rule : channels) {
      if (rule.matches(topic)) {
        return Optional.of(rule);
      }
    }
    return Optional.empty();
  }

  /**
   * What the node runs and how it drains when it stops.
   *
   * @param roles what this node runs (see {@link NodeRole})
   * @param drainBatchSize sockets closed with 1012 per drain step when the node stops (Phoenix:
   *     10,000 per 2 s)
   * @param drainIntervalMs time between drain steps
   * @param isolationAcceptAfterMs how long a node isolated from its cluster (it sees too few of the
   *     members) refuses clients before it takes the missing members for dead and serves with the
   *     rest; 0: until they are back
   */
  public record Node(
      java.util.Set<NodeRole> roles,
      int drainBatchSize,
      long drainIntervalMs,
      long isolationAcceptAfterMs) {
    public boolean runs(NodeRole role) {
      return roles.contains(role);
    }
  }

  /**
   * The socket port.
   *
   * @param socketInstances socket verticle instances; 0 means one per event loop (2 × cores)
   * @param allowedOrigins browser origins allowed besides the server's own host; "*" allows any
   *     (for {@code /socket} and the {@code /eventbus} bridge alike)
   * @param maxConnections connections the port holds open at once (sockets, bridge, API, requests
   *     still being read); 0 means 75% of the process's file-descriptor limit. Beyond it every
   *     request but {@code /health} is answered 503
   * @param headerTimeoutMs a connection must send a whole request head within this long of opening
   *     or of its previous response; never applies to an upgraded WebSocket
   * @param bodyTimeoutMs a request body must arrive whole within this long of its head
   * @param upgradesPerSecond WebSocket upgrades the node accepts per second (token bucket refill);
   *     beyond it 503 with {@code Retry-After}
   * @param upgradeBurst the bucket's size: upgrades accepted at once after a quiet spell
   */
  public record Http(
      String host,
      int port,
      int socketInstances,
      List<String> allowedOrigins,
      int maxConnections,
      long headerTimeoutMs,
      long bodyTimeoutMs,
      int upgradesPerSecond,
      int upgradeBurst) {}

  /**
   * Presence on the rules that turn it on ({@code channels[].presence}).
   *
   * @param diffIntervalMs a topic's changes are sent as one {@code presence_diff} per this long
   * @param maxPerTopic presences (one per joined socket) per topic across the cluster
   * @param maxMetaBytes largest presence meta, as JSON
   */
  public record Presence(long diffIntervalMs, int maxPerTopic, int maxMetaBytes) {}

  /**
   * Recovery on the rules that keep history ({@code channels[].history}).
   *
   * @param maxReplay most broadcasts one recovering join is sent; a join that missed more gets
   *     {@code recovered: false} (and the app reloads), as Centrifugo's recovery limit
   * @param gapFillMs a node that got offset n+2 before n+1 waits this long for n+1 before it reads
   *     n+1 from the history (it was published on a node whose message to here was lost or late)
   * @param idempotencyWindowSeconds a publish or push that repeats an {@code idempotency_key} of
   *     the same topic within this long publishes nothing and is answered with the first one's
   *     result (docs/HISTORY.md, "Idempotent publish"); every topic, history or not
   */
  public record History(int maxReplay, long gapFillMs, long idempotencyWindowSeconds) {}

  /**
   * Prometheus {@code /metrics} and {@code /health} on their own port, owned by the metrics
   * verticle.
   */
  public record Metrics(boolean enabled, String host, int port) {}

  /**
   * How tokens are verified.
   *
   * @param algorithm HS256 with {@code secret}, or RS256/ES256 with a PEM {@code publicKey}
   * @param dev development mode: without a key, a random one is made at start and a token printed
   * @param leewaySeconds clock skew allowed on {@code exp}, {@code nbf} and {@code iat}
   * @param closeOnExpiry close a socket (4001) once its token's {@code exp} plus the leeway has
   *     passed without an {@code access_token} refresh
   */
  public record Auth(
      String algorithm,
      Optional<String> secret,
      Optional<String> publicKey,
      boolean dev,
      Optional<String> issuer,
      Optional<String> audience,
      int leewaySeconds,
      boolean closeOnExpiry) {
    public boolean hasKey() {
      return secret.isPresent() || publicKey.isPresent();
    }
  }

  /**
   * Inbound token bucket per socket: {@code messagesPerSecond} refill, {@code burst} capacity.
   * Beyond it pushes get an error reply and the socket a {@code throttle} event; after {@code
   * closeAfterRejected} rejections in a row the socket is closed with 1008. Heartbeats are never
   * limited. Pushes on a topic whose rule has its own {@link ChannelRule.Options#rateLimit()} are
   * charged to that budget instead; their rejections count towards the same {@code
   * closeAfterRejected}.
   */
  public record RateLimit(int messagesPerSecond, int burst, int closeAfterRejected) {
    /** The socket-wide bucket's size, in the same shape as a rule's own budget. */
    public ChannelRule.RateBudget budget() {
      return new ChannelRule.RateBudget(messagesPerSecond, burst);
    }
  }

  /**
   * permessage-deflate (RFC 7692) for sockets that offer it. With {@code noContextTakeover} the
   * server keeps no compression window between messages; with {@code clientNoContextTakeover} it
   * also asks every client to compress without one, so the server's inflater is freed after each
   * message. Together they keep memory per socket small.
   */
  public record Compression(
      boolean permessageDeflate,
      int level,
      boolean noContextTakeover,
      boolean clientNoContextTakeover) {}

  /**
   * The HTTP server API for backends under {@code /api} on the socket port; disabled (503) without
   * a key.
   *
   * @param key sent as {@code Authorization: apikey <key>} or {@code X-API-Key}
   * @param maxBodyBytes larger request bodies get 413
   */
  public record Api(Optional<String> key, int maxBodyBytes) {}

  /**
   * The SockJS event bus bridge at {@code /eventbus} for {@code @vertx/eventbus-bridge-client.js}.
   *
   * @param maxHandlersPerSocket addresses one bridge socket may register
   * @param maxAddressLength longest address accepted
   * @param maxMessageBytes largest message a bridge client may send
   */
  public record Bridge(
      boolean enabled, int maxHandlersPerSocket, int maxAddressLength, int maxMessageBytes) {}

  /**
   * phoenix.js's {@code LongPoll} transport at {@code /socket/longpoll} (docs/PROTOCOL.md,
   * "Long-poll").
   *
   * @param windowMs a poll with nothing to deliver is held this long, then answered 204 (Phoenix's
   *     {@code window_ms})
   * @param idleTimeoutMs a session with no poll for this long is closed: its channels are left and
   *     its presences untracked (Phoenix: 1.5 × {@code window_ms})
   * @param maxQueuedFrames frames one session may have waiting for its next poll; past it the
   *     session is closed as a slow consumer, as a WebSocket whose outbound queue is full
   */
  public record LongPoll(boolean enabled, long windowMs, long idleTimeoutMs, int maxQueuedFrames) {}

  /**
   * Per-socket bounds, and how many sockets one user may hold; every one is on by default.
   *
   * @param maxConnectionsPerUser Phoenix sockets one user (token {@code sub}) may hold open on a
   *     node; beyond it the upgrade is answered 429
   */
  public record Limits(
      int maxChannelsPerSocket,
      int maxTopicLength,
      int maxMessageBytes,
      long idleTimeoutMs,
      long maxOutboundBytes,
      int maxInflightPerSocket,
      int writeDelayMs,
      int maxStreamBufferBytes,
      int maxConnectionsPerUser) {
    public Limits {
      if (maxStreamBufferBytes < maxMessageBytes) {
        // A stream value is at most one message: a smaller budget could refuse a value for good,
        // flush or not.
        throw new ConfigException(
            "limits.maxStreamBufferBytes",
            "must be at least limits.maxMessageBytes ("
                + maxMessageBytes
                + "), got "
                + maxStreamBufferBytes);
      }
    }
  }
}
