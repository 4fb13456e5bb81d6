package io.switchboard.config;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code channels[]} entry: topics matching {@code pattern} (exact, or a prefix ending in
 * {@code *} as in Phoenix's {@code channel "room:*"}) are served as {@code kind}, joined under
 * {@code join}, and accept the client events in {@code clientEvents} ({@code "*"} accepts any).
 */
public record ChannelRule(
    String pattern, ChannelKind kind, JoinAccess join, Set<String> clientEvents, Options options) {
  public static final String ANY_EVENT = "*";

  /** A rule that does not say who may join lets any authenticated user in. */
  public static final JoinAccess DEFAULT_JOIN = JoinAccess.AUTHENTICATED;

  /**
   * Per-channel tuning, each with a documented default.
   *
   * @param compressAboveBytes payloads of broadcasts larger than this go out zlib-compressed once
   *     per broadcast ({@code {"compressed": true, ...}}); -1 = never
   * @param batchMaxMessages {@code batch} channels: flush at this many messages
   * @param batchMaxDelayMs {@code batch} channels: or this long after the first pending message
   * @param streamBufferMax {@code stream} channels: values buffered per socket before {@code
   *     throttle}
   * @param presence whether joiners of this rule's topics are tracked (Phoenix Presence), and
   *     whether subscribers get lists or only a count; off by default
   * @param rateLimit this rule's own inbound budget. When present, client pushes on a topic of this
   *     rule are charged to a bucket of this budget kept per socket and rule (not per topic: more
   *     topics or a rejoin buy no extra budget), <em>instead of</em> the socket-wide {@code
   *     rateLimit} bucket; joins, leaves, heartbeats and topics of other rules are charged as
   *     before. Rejections from either bucket count towards the same {@code
   *     rateLimit.closeAfterRejected}. Empty (the default): the socket-wide bucket. Lets a {@code
   *     stream} rule accept a full {@code streamBufferMax} of values in one go without raising
   *     every socket's limit.
   * @param history whether broadcasts on this rule's topics are kept in the cluster, numbered and
   *     replayed to recovering joins ({@code channels[].history}); off by default
   */
  public record Options(
      int compressAboveBytes,
      int batchMaxMessages,
      long batchMaxDelayMs,
      int streamBufferMax,
      PresenceMode presence,
      Optional<RateBudget> rateLimit,
      History history) {
    public static final int NO_COMPRESSION = -1;
    public static final int DEFAULT_COMPRESS_ABOVE_BYTES = NO_COMPRESSION;
    public static final int DEFAULT_BATCH_MAX_MESSAGES = 10;
    public static final long DEFAULT_BATCH_MAX_DELAY_MS = 50;
    public static final int DEFAULT_STREAM_BUFFER_MAX = 1000;
    public static final PresenceMode DEFAULT_PRESENCE = PresenceMode.OFF;

    /** None: pushes share the socket-wide bucket. */
    public static final Optional<RateBudget> DEFAULT_RATE_LIMIT = Optional.empty();

    /** What a rule that sets none of its options gets. */
    public static final Options DEFAULTS =
        new Options(
            DEFAULT_COMPRESS_ABOVE_BYTES,
            DEFAULT_BATCH_MAX_MESSAGES,
            DEFAULT_BATCH_MAX_DELAY_MS,
            DEFAULT_STREAM_BUFFER_MAX,
            DEFAULT_PRESENCE,
            DEFAULT_RATE_LIMIT,
            History.OFF);

    public Options {
      Objects.requireNonNull(rateLimit, "rateLimit: use Optional.empty()");
      Objects.requireNonNull(presence, "presence");
      Objects.requireNonNull(history, "history: use History.OFF");
    }

    public boolean keepsHistory() {
      return history.size() > 0;
    }

    public boolean tracksPresence() {
      return presence != PresenceMode.OFF;
    }

    public boolean compresses(int payloadBytes) {
      return compressAboveBytes >= 0 && payloadBytes > compressAboveBytes;
    }
  }

  /**
   * An inbound token bucket's size: refilled at {@code messagesPerSecond}, holding at most {@code
   * burst}. The socket-wide {@code rateLimit} and a rule's own {@code channels[i].rateLimit} share
   * these bounds.
   */
  public record RateBudget(int messagesPerSecond, int burst) {
    public static final int MIN_MESSAGES_PER_SECOND = 1;
    public static final int MAX_MESSAGES_PER_SECOND = 1_000_000;
    public static final int MIN_BURST = 1;
    public static final int MAX_BURST = 10_000_000;
  }

  /**
   * A topic's history: its last {@code size} broadcasts, each kept at most {@code ttlSeconds}; the
   * topic's whole stream (and its epoch) is forgotten {@code ttlSeconds} after its last broadcast.
   */
  public record History(int size, long ttlSeconds) {
    public static final History OFF = new History(0, 0);
    public static final int DEFAULT_SIZE = 100;
    public static final long DEFAULT_TTL_SECONDS = 300;
    public static final int MAX_SIZE = 100_000;
  }

  public ChannelRule(String pattern, ChannelKind kind, JoinAccess join, Set<String> clientEvents) {
    this(pattern, kind, join, clientEvents, Options.DEFAULTS);
  }

  public boolean matches(String topic) {
    if (pattern.endsWith("*")) {
      return topic.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return topic.equals(pattern);
  }

  public boolean acceptsClientEvent(String event) {
    return clientEvents.contains(ANY_EVENT) || clientEvents.contains(event);
  }
}
