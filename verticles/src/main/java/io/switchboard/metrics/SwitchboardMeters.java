package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Reasons;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The node's meters, created once and shared by every verticle instance. Recording is lock-free
 * (adders); deliveries are counted once per broadcast per event loop ({@code increment(n)}), never
 * once per subscriber.
 */
public final class SwitchboardMeters {
  /** Reasons of the node-wide connection limits, as {@link #rejected} and {@link #httpRefused}. */
  public static final String NODE_FULL = "node_full";

  public static final String RATE_LIMITED = "rate_limited";
  public static final String USER_LIMIT = "user_limit";

  private final MeterRegistry registry;
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong longPollSessions = new AtomicLong();
  private final Map<String, Counter> longPolls = new ConcurrentHashMap<>();
  private final Counter longPollForwarded;
  private final Counter messagesIn;
  private final Counter messagesOut;
  private final Counter broadcasts;
  private final Timer messageDuration;
  private final Counter clusterPublished;
  private final Counter clusterReceived;
  private final Counter compressedBefore;
  private final Counter compressedAfter;
  private final DistributionSummary batchSizes;
  private final Counter dropped;
  private final AtomicLong pausedSockets = new AtomicLong();
  private final AtomicLong presences = new AtomicLong();
  private final Counter presenceDiffs;
  private final DistributionSummary presenceDiffSizes;
  private final Map<String, Counter> presenceRefusals = new ConcurrentHashMap<>();
  private final AtomicLong outboundBytes = new AtomicLong();
  private final HistoryMeters history;
  private final Map<String, Counter> tokenRefreshes = new ConcurrentHashMap<>();
  private final Counter tokenExpiries;

  /**
   * Counters by tag value, made once (the builder is not free) and, for the values we know, at
   * start.
   */
  private final Map<String, Counter> rejections = new ConcurrentHashMap<>();

  private final Map<String, Counter> throttles = new ConcurrentHashMap<>();
  private final Map<String, Counter> httpTimeouts = new ConcurrentHashMap<>();
  private final Map<String, Counter> httpRefusals = new ConcurrentHashMap<>();
  private final Map<Short, Counter> closes = new ConcurrentHashMap<>();

  public SwitchboardMeters(MeterRegistry registry) {
    this.registry = registry;
    history = new HistoryMeters(registry);
    Gauge.builder(MetricNames.CONNECTIONS, connections, AtomicLong::get)
        .description("Open Phoenix WebSocket connections")
        .register(registry);
    Gauge.builder(MetricNames.LONGPOLL_SESSIONS, longPollSessions, AtomicLong::get)
        .description("Long-poll sessions held on this node (also counted as connections)")
        .register(registry);
    for (String answer : List.of(POLL_MESSAGES, POLL_EMPTY, POLL_GONE)) {
      longPolls.put(
          answer,
          Counter.builder(MetricNames.LONGPOLL_POLLS)
              .tag("answer", answer)
              .description("Long polls answered by the node holding their session")
              .register(registry));
    }
    longPollForwarded =
        Counter.builder(MetricNames.LONGPOLL_FORWARDED)
            .description(
                "Long-poll requests sent over the event bus to the instance holding the session")
            .register(registry);
    clusterPublished =
        Counter.builder(MetricNames.CLUSTER_PUBLISHED)
            .description("Broadcasts published to the cluster (one clustered publish each)")
            .register(registry);
    clusterReceived =
        Counter.builder(MetricNames.CLUSTER_RECEIVED)
            .description("Broadcasts received from other nodes")
            .register(registry);
    compressedBefore =
        Counter.builder(MetricNames.COMPRESSION_BYTES)
            .tag("stage", "before")
            .description("Payload bytes before and after the payload-compression extension")
            .register(registry);
    compressedAfter =
        Counter.builder(MetricNames.COMPRESSION_BYTES)
            .tag("stage", "after")
            .description("Payload bytes before and after the payload-compression extension")
            .register(registry);
    batchSizes =
        DistributionSummary.builder(MetricNames.BATCH_SIZE)
            .description("Messages per flushed batch")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder(MetricNames.PRESENCES, presences, AtomicLong::get)
        .description("Presences of this node's sockets (one per socket per presence topic)")
        .register(registry);
    presenceDiffs =
        Counter.builder(MetricNames.PRESENCE_DIFFS)
            .description(
                "Presence diffs or counts sent to this node's subscribers (one per topic per interval)")
            .register(registry);
    presenceDiffSizes =
        DistributionSummary.builder(MetricNames.PRESENCE_DIFF_SIZE)
            .description("Joins plus leaves per presence diff")
            .publishPercentileHistogram()
            .register(registry);
    for (String reason :
        List.of(
            Reasons.PRESENCE_FULL,
            Reasons.PRESENCE_META_TOO_LARGE,
            Reasons.INVALID_PRESENCE_META)) {
      presenceRefusals.put(reason, presenceRefusedCounter(reason));
    }
    dropped =
        Counter.builder(MetricNames.DROPPED)
            .description(
                "Frames dropped because their socket was closing: not written to it, or received after we closed it")
            .register(registry);
    Gauge.builder(MetricNames.PAUSED_SOCKETS, pausedSockets, AtomicLong::get)
        .description("Sockets not being read because their write queue is full")
        .register(registry);
    Gauge.builder(MetricNames.OUTBOUND_BYTES, outboundBytes, AtomicLong::get)
        .description("Bytes written to sockets but not yet taken by the clients (sampled)")
        .register(registry);
    messagesIn =
        Counter.builder(MetricNames.MESSAGES)
            .tag(MetricNames.TAG_DIRECTION, "in")
            .description("WebSocket messages received from or written to clients")
            .register(registry);
    messagesOut =
        Counter.builder(MetricNames.MESSAGES)
            .tag(MetricNames.TAG_DIRECTION, "out")
            .description("WebSocket messages received from or written to clients")
            .register(registry);
    broadcasts =
        Counter.builder(MetricNames.BROADCASTS)
            .description("Broadcasts published on this node")
            .register(registry);
    messageDuration =
        Timer.builder(MetricNames.MESSAGE_DURATION)
            .description("Handling time of one inbound WebSocket message, receipt to reply")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    // Known reasons and codes exist from the start, at 0: a dashboard panel on them shows data on a
    // fresh node.
    for (String reason : List.of(Reasons.THROTTLE_BUFFER_FULL, Reasons.THROTTLE_RATE_LIMITED)) {
      throttles.put(reason, throttleCounter(reason));
    }
    for (short code : CloseCodes.SERVER_CODES) {
      closes.put(code, closeCounter(code));
    }
    for (String result :
        List.of(
            Events.STATUS_OK,
            Reasons.INVALID_TOKEN,
            Reasons.TOKEN_EXPIRED,
            Reasons.TOKEN_SUB_MISMATCH,
            Reasons.INVALID_PAYLOAD)) {
      tokenRefreshes.put(result, tokenRefreshCounter(result));
    }
    tokenExpiries =
        Counter.builder(MetricNames.TOKEN_EXPIRIES)
            .description("Sockets closed (4001) because their token expired without a refresh")
            .register(registry);
    for (String reason : List.of(NODE_FULL, RATE_LIMITED, USER_LIMIT)) {
      rejected(reason, 0);
    }
    for (String phase : List.of("idle", "head", "body")) {
      httpTimeout(phase, 0);
    }
    for (String reason : List.of(NODE_FULL, "origin")) {
      httpRefused(reason, 0);
    }
  }

  /**
   * Exposes whether this node's side of the cluster may serve (1) or is isolated (0), and counts
   * isolations; returns the counter's increment.
   */
  public Runnable watchClusterServing(java.util.function.BooleanSupplier serving) {
    Gauge.builder(MetricNames.CLUSTER_SERVING, serving, s -> s.getAsBoolean() ? 1 : 0)
        .description("1 while this node may serve, 0 while it is isolated from its cluster")
        .strongReference(true)
        .register(registry);
    Counter isolations =
        Counter.builder(MetricNames.CLUSTER_ISOLATIONS)
            .description("Times this node found itself isolated from its cluster")
            .register(registry);
    return isolations::increment;
  }

  /** Exposes the count of the socket port's open connections ({@code http.maxConnections}). */
  public void watchHttpConnections(IntSupplier open) {
    Gauge.builder(MetricNames.HTTP_CONNECTIONS, open, IntSupplier::getAsInt)
        .description(
            "Connections the socket port holds open (sockets, bridge, API, unread requests)")
        .strongReference(true) // nothing else holds the supplier: a weak one would read NaN
        .register(registry);
  }

  /** A connection closed by a read timeout, in {@code phase} idle, head or body. */
  public void httpTimeout(String phase) {
    httpTimeout(phase, 1);
  }

  private void httpTimeout(String phase, int n) {
    httpTimeouts
        .computeIfAbsent(
            phase,
            p ->
                Counter.builder(MetricNames.HTTP_TIMEOUTS)
                    .tag("phase", p)
                    .description(
                        "Connections closed for not sending a request (idle), its head or its body in time")
                    .register(registry))
        .increment(n);
  }

  /** An HTTP request (not an upgrade) refused before any handler saw it. */
  public void httpRefused(String reason) {
    httpRefused(reason, 1);
  }

  private void httpRefused(String reason, int n) {
    httpRefusals
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder(MetricNames.HTTP_REFUSED)
                    .tag("reason", r)
                    .description("HTTP requests refused at the door (node full, foreign origin)")
                    .register(registry))
        .increment(n);
  }

  private IntSupplier topics = () -> 0;

  /** Exposes the node's topic count (the broker's); called once the broker exists. */
  public void watchTopics(IntSupplier topics) {
    this.topics = topics;
    Gauge.builder(MetricNames.TOPICS, topics, IntSupplier::getAsInt)
        .description("Topics with subscribers on this node")
        .register(registry);
  }

  private Counter presenceRefusedCounter(String reason) {
    return Counter.builder(MetricNames.PRESENCE_REFUSED)
        .tag("reason", reason.replace(' ', '_'))
        .description("Presence joins and updates refused, by reason")
        .register(registry);
  }

  /** This node's tracked presences went up (+1) or down (-1). */
  public void presencesChanged(int delta) {
    presences.addAndGet(delta);
  }

  /** A presence diff (or count) of {@code changes} joins plus leaves went to subscribers. */
  public void presenceDiff(int changes) {
    presenceDiffs.increment();
    presenceDiffSizes.record(changes);
  }

  public void presenceRefused(String reason) {
    presenceRefusals.computeIfAbsent(reason, this::presenceRefusedCounter).increment();
  }

  public HistoryMeters history() {
    return history;
  }

  public void clusterPublished() {
    clusterPublished.increment();
  }

  public void clusterReceived() {
    clusterReceived.increment();
  }

  public MeterRegistry registry() {
    return registry;
  }

  public long connections() {
    return connections.get();
  }

  public int topics() {
    return topics.getAsInt();
  }

  /** Answers of {@link #longPollAnswered}: frames, none within the window, session gone. */
  public static final String POLL_MESSAGES = "messages";

  public static final String POLL_EMPTY = "empty";
  public static final String POLL_GONE = "gone";

  public void longPollSessions(int delta) {
    longPollSessions.addAndGet(delta);
  }

  public void longPollAnswered(String answer) {
    longPolls.get(answer).increment();
  }

  public void longPollForwarded() {
    longPollForwarded.increment();
  }

  public void connectionOpened() {
    connections.incrementAndGet();
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  public void received() {
    messagesIn.increment();
  }

  public void sent(int messages) {
    messagesOut.increment(messages);
  }

  public void broadcast() {
    broadcasts.increment();
  }

  public void handled(long nanos) {
    messageDuration.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void rejected(String reason) {
    rejected(reason, 1);
  }

  private void rejected(String reason, int n) {
    rejections
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder(MetricNames.REJECTED_CONNECTIONS)
                    .tag("reason", r)
                    .description("WebSocket upgrades refused before the socket opened, by reason")
                    .register(registry))
        .increment(n);
  }

  public void compressed(int before, int after) {
    compressedBefore.increment(before);
    compressedAfter.increment(after);
  }

  public void batched(int messages) {
    batchSizes.record(messages);
  }

  public void throttled(String reason) {
    throttles.computeIfAbsent(reason, this::throttleCounter).increment();
  }

  private Counter throttleCounter(String reason) {
    return Counter.builder(MetricNames.THROTTLES)
        .tag("reason", reason)
        .description("Throttle events sent to sockets, by reason (buffer_full, rate_limited)")
        .register(registry);
  }

  public void dropped(int frames) {
    dropped.increment(frames);
  }

  public void readPaused(boolean paused) {
    pausedSockets.addAndGet(paused ? 1 : -1);
  }

  /** Adds a socket verticle instance's change in pending outbound bytes since its last sample. */
  public void outboundBytesChanged(long delta) {
    outboundBytes.addAndGet(delta);
  }

  /**
   * An {@code access_token} push was answered: {@code ok}, or the reason of its error reply ({@link
   * Reasons#INVALID_TOKEN}, {@link Reasons#TOKEN_EXPIRED}, {@link Reasons#TOKEN_SUB_MISMATCH},
   * {@link Reasons#INVALID_PAYLOAD}, without its detail).
   */
  public void tokenRefreshed(String result) {
    tokenRefreshes.computeIfAbsent(result, this::tokenRefreshCounter).increment();
  }

  private Counter tokenRefreshCounter(String result) {
    return Counter.builder(MetricNames.TOKEN_REFRESHES)
        .tag("result", result.replace(' ', '_'))
        .description("access_token pushes answered, by result (ok or the error reason)")
        .register(registry);
  }

  public void tokenExpired() {
    tokenExpiries.increment();
  }

  public void serverClosed(short code) {
    closes.computeIfAbsent(code, this::closeCounter).increment();
  }

  private Counter closeCounter(short code) {
    return Counter.builder(MetricNames.SERVER_CLOSES)
        .tag("code", Short.toString(code))
        .description("Sockets the server closed, by close code")
        .register(registry);
  }
}
