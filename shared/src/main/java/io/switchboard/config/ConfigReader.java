package io.switchboard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@link SwitchboardConfig} from JSON plus environment overrides, validating every key.
 * Each default is a named constant, declared once where it belongs: the sections' here, a channel
 * rule's on {@link ChannelRule}, {@link ChannelRule.Options} and {@link ChannelKind}.
 */
public final class ConfigReader {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_HTTP_PORT = 4000;

  /** 0: one socket verticle per event loop (2 × cores). */
  public static final int DEFAULT_SOCKET_INSTANCES = 0;

  /** None: browsers are allowed only from the server's own host. */
  public static final List<String> DEFAULT_ALLOWED_ORIGINS = List.of();

  /**
   * 0: derived from the process's file-descriptor limit (75% of it), so the node still has
   * descriptors to answer 503 and {@code /health} with when it is full.
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 0;

  /** As HAProxy's {@code timeout http-request}: a request head takes milliseconds, not seconds. */
  public static final long DEFAULT_HEADER_TIMEOUT_MS = 10_000;

  /** API and bridge bodies are at most 64 KiB by default: 30 s allows about 2 KB/s. */
  public static final long DEFAULT_BODY_TIMEOUT_MS = 30_000;

  /**
   * Generous: above what one core completes (about 1,800 connect+join/s at 553 µs each,
   * docs/RELIABILITY.md), so it only bites in a storm, which it spreads instead of letting it
   * starve the open sockets.
   */
  public static final int DEFAULT_UPGRADES_PER_SECOND = 2_000;

  public static final int DEFAULT_UPGRADE_BURST = 2_000;

  /**
   * Room for many tabs and devices of one person; past it, more likely a script holding sockets
   * with one user's token.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 100;

  public static final boolean DEFAULT_METRICS_ENABLED = true;
  public static final int DEFAULT_METRICS_PORT = 4001;

  /** The one algorithm that takes {@code auth.secret}; the others take {@code auth.publicKey}. */
  public static final String HMAC_ALGORITHM = "HS256";

  public static final List<String> ALGORITHMS = List.of(HMAC_ALGORITHM, "RS256", "ES256");
  public static final String DEFAULT_ALGORITHM = HMAC_ALGORITHM;

  /** Phoenix's {@code max_channels_per_transport}. */
  public static final int DEFAULT_MAX_CHANNELS = 100;

  public static final int DEFAULT_MAX_TOPIC_LENGTH = 255;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 65_536;
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000;
  public static final long DEFAULT_MAX_OUTBOUND_BYTES = 1_048_576;
  public static final int DEFAULT_MAX_STREAM_BUFFER_BYTES = 1_048_576;

  /** 0: frames are flushed at the end of the event-loop turn that wrote them. */
  public static final int DEFAULT_WRITE_DELAY_MS = 0;

  /**
   * Clock skew allowed on exp, nbf and iat: a token issuer whose clock runs a little ahead must not
   * fail.
   */
  public static final int DEFAULT_JWT_LEEWAY_SECONDS = 30;

  /**
   * On: a token's {@code exp} ends its socket (close 4001) unless an {@code access_token} push
   * refreshed it. phoenix.js reconnects after the close and, with {@code params} given as a
   * function, with a fresh token; without it an expired token would keep its socket for as long as
   * the connection lasts.
   */
  public static final boolean DEFAULT_CLOSE_ON_EXPIRY = true;

  /** Off: without a key the node refuses to start rather than make one up. */
  public static final boolean DEFAULT_DEV_MODE = false;

  public static final int DEFAULT_MAX_INFLIGHT = 64;

  /** HMAC keys shorter than this are refused: vertx-auth-jwt does not check. */
  public static final int MIN_SECRET_BYTES = 32;

  public static final List<String> DEFAULT_ROLES = List.of("all");

  /**
   * Presence diffs of a topic are coalesced over this long: a join storm of N users sends each
   * subscriber about one diff per interval, not N (Phoenix sends one per join).
   */
  public static final long DEFAULT_PRESENCE_DIFF_INTERVAL_MS = 50;

  /** Presences (sockets) per topic, cluster-wide; past it a join gets {@code presence full}. */
  public static final int DEFAULT_PRESENCE_MAX_PER_TOPIC = 10_000;

  /** A presence's meta as JSON, {@code online_at} included. */
  public static final int DEFAULT_PRESENCE_MAX_META_BYTES = 1024;

  /** Broadcasts a recovering join may be sent; the shipped histories hold 100 per topic. */
  public static final int DEFAULT_HISTORY_MAX_REPLAY = 1000;

  /** Cross-node messages arrive within a millisecond or two on a LAN: this is a lost one. */
  public static final long DEFAULT_HISTORY_GAP_FILL_MS = 250;

  /**
   * A publish's {@code idempotency_key} is remembered this long: Ably's and Stripe's retry windows
   * are minutes, and a client retries a timed-out push within seconds.
   */
  public static final long DEFAULT_HISTORY_IDEMPOTENCY_WINDOW_SECONDS = 120;

  /**
   * None at this level; {@code ConfigLoader} puts the shipped rules in a document that has no
   * {@code channels}.
   */
  public static final List<ChannelRule> DEFAULT_CHANNELS = List.of();

  /** Generous: phoenix.js heartbeats every 30 s; chat clients push a few messages a second. */
  public static final int DEFAULT_RATE_PER_SECOND = 100;

  public static final int DEFAULT_RATE_BURST = 200;
  public static final int DEFAULT_RATE_CLOSE_AFTER = 1_000;

  /**
   * Off, as in Phoenix, Socket.IO and Centrifugo: a deflate context per socket costs ~300 KB
   * (BENCHMARKS.md).
   */
  public static final boolean DEFAULT_PERMESSAGE_DEFLATE = false;

  /** Level 1: most of the size win of level 6 at a fraction of the CPU (docs/BENCHMARKS.md). */
  public static final int DEFAULT_DEFLATE_LEVEL = 1;

  /**
   * Both on: no deflate window is kept per socket on either side between messages
   * (docs/BENCHMARKS.md).
   */
  public static final boolean DEFAULT_NO_CONTEXT_TAKEOVER = true;

  public static final boolean DEFAULT_CLIENT_NO_CONTEXT_TAKEOVER = true;

  /** Short API keys are guessable; the API is disabled without one. */
  public static final int MIN_API_KEY_CHARS = 16;

  public static final int DEFAULT_API_MAX_BODY_BYTES = 65_536;
  public static final boolean DEFAULT_LONGPOLL_ENABLED = true;

  /** Phoenix's {@code window_ms}. */
  public static final long DEFAULT_LONGPOLL_WINDOW_MS = 10_000;

  /** Phoenix reaps a session after 1.5 windows without a poll. */
  public static final long DEFAULT_LONGPOLL_IDLE_TIMEOUT_MS = 15_000;

  public static final int DEFAULT_LONGPOLL_MAX_QUEUED_FRAMES = 1_000;

  public static final boolean DEFAULT_BRIDGE_ENABLED = true;
  public static final int DEFAULT_BRIDGE_MAX_HANDLERS = 100;
  public static final int DEFAULT_BRIDGE_MAX_ADDRESS_LENGTH = 255;
  public static final int DEFAULT_BRIDGE_MAX_MESSAGE_BYTES = 65_536;

  /** Phoenix drains 10,000 sockets every 2 s. */
  public static final int DEFAULT_DRAIN_BATCH = 10_000;

  public static final long DEFAULT_DRAIN_INTERVAL_MS = 2_000;

  /**
   * An isolated side that has heard nothing of the rest for a minute takes it for dead (a two-node
   * cluster whose older node died cannot know otherwise): long past Hazelcast's merge (seconds).
   */
  public static final long DEFAULT_ISOLATION_ACCEPT_AFTER_MS = 60_000;

  /** Environment variable → config key (dotted path). Documented in docs/CONFIG.md. */
  public static final Map<String, String> ENV_KEYS =
      Map.ofEntries(
          Map.entry("SWITCHBOARD_ROLES", "node.roles"),
          Map.entry("SWITCHBOARD_DRAIN_BATCH_SIZE", "node.drainBatchSize"),
          Map.entry("SWITCHBOARD_DRAIN_INTERVAL_MS", "node.drainIntervalMs"),
          Map.entry("SWITCHBOARD_ISOLATION_ACCEPT_AFTER_MS", "node.isolationAcceptAfterMs"),
          Map.entry("SWITCHBOARD_HTTP_HOST", "http.host"),
          Map.entry("SWITCHBOARD_HTTP_PORT", "http.port"),
          Map.entry("SWITCHBOARD_SOCKET_INSTANCES", "http.socketInstances"),
          Map.entry("SWITCHBOARD_ALLOWED_ORIGINS", "http.allowedOrigins"),
          Map.entry("SWITCHBOARD_MAX_CONNECTIONS", "http.maxConnections"),
          Map.entry("SWITCHBOARD_HEADER_TIMEOUT_MS", "http.headerTimeoutMs"),
          Map.entry("SWITCHBOARD_BODY_TIMEOUT_MS", "http.bodyTimeoutMs"),
          Map.entry("SWITCHBOARD_UPGRADES_PER_SECOND", "http.upgradesPerSecond"),
          Map.entry("SWITCHBOARD_UPGRADE_BURST", "http.upgradeBurst"),
          Map.entry("SWITCHBOARD_METRICS_ENABLED", "metrics.enabled"),
          Map.entry("SWITCHBOARD_METRICS_HOST", "metrics.host"),
          Map.entry("SWITCHBOARD_METRICS_PORT", "metrics.port"),
          Map.entry("SWITCHBOARD_JWT_ALGORITHM", "auth.algorithm"),
          Map.entry("SWITCHBOARD_JWT_SECRET", "auth.secret"),
          Map.entry("SWITCHBOARD_JWT_PUBLIC_KEY", "auth.publicKey"),
          Map.entry("SWITCHBOARD_JWT_ISSUER", "auth.issuer"),
          Map.entry("SWITCHBOARD_JWT_AUDIENCE", "auth.audience"),
          Map.entry("SWITCHBOARD_JWT_LEEWAY_SECONDS", "auth.leewaySeconds"),
          Map.entry("SWITCHBOARD_JWT_CLOSE_ON_EXPIRY", "auth.closeOnExpiry"),
          Map.entry("SWITCHBOARD_DEV", "auth.dev"),
          Map.entry("SWITCHBOARD_IDLE_TIMEOUT_MS", "limits.idleTimeoutMs"),
          Map.entry("SWITCHBOARD_WRITE_DELAY_MS", "limits.writeDelayMs"),
          Map.entry("SWITCHBOARD_MAX_STREAM_BUFFER_BYTES", "limits.maxStreamBufferBytes"),
          Map.entry("SWITCHBOARD_MAX_CHANNELS", "limits.maxChannelsPerSocket"),
          Map.entry("SWITCHBOARD_MAX_MESSAGE_BYTES", "limits.maxMessageBytes"),
          Map.entry("SWITCHBOARD_MAX_CONNECTIONS_PER_USER", "limits.maxConnectionsPerUser"),
          Map.entry("SWITCHBOARD_RATE_PER_SECOND", "rateLimit.messagesPerSecond"),
          Map.entry("SWITCHBOARD_PERMESSAGE_DEFLATE", "compression.permessageDeflate"),
          Map.entry("SWITCHBOARD_API_KEY", "api.key"),
          Map.entry("SWITCHBOARD_PRESENCE_DIFF_INTERVAL_MS", "presence.diffIntervalMs"),
          Map.entry("SWITCHBOARD_PRESENCE_MAX_PER_TOPIC", "presence.maxPerTopic"),
          Map.entry("SWITCHBOARD_PRESENCE_MAX_META_BYTES", "presence.maxMetaBytes"),
          Map.entry("SWITCHBOARD_HISTORY_MAX_REPLAY", "history.maxReplay"),
          Map.entry(
              "SWITCHBOARD_HISTORY_IDEMPOTENCY_WINDOW_SECONDS", "history.idempotencyWindowSeconds"),
          Map.entry("SWITCHBOARD_BRIDGE_ENABLED", "bridge.enabled"),
          Map.entry("SWITCHBOARD_LONGPOLL_ENABLED", "longPoll.enabled"));

  private ConfigReader() {}

  /** Applies environment overrides to a copy of {@code json} and reads it. */
  public static SwitchboardConfig read(JsonObject json, Map<String, String> env) {
    JsonObject merged = json.copy();
    ENV_KEYS.forEach(
        (var, key) -> {
          String value = env.get(var);
          if (value != null) {
            put(merged, key, value);
          }
        });
    return read(merged);
  }

  /**
   * Reads and validates {@code json}. Fails with a {@link ConfigException} naming the key on a bad
   * value or on any key it does not know, at every level (a misspelt key would otherwise silently
   * leave its default).
   */
  public static SwitchboardConfig read(JsonObject json) {
    return ConfigSection.read(json, "", ConfigReader::readDocument);
  }

  private static SwitchboardConfig readDocument(ConfigSection root) {
    return new SwitchboardConfig(
        root.section(
            "node",
            node ->
                new SwitchboardConfig.Node(
                    roles(node),
                    node.integer("drainBatchSize", DEFAULT_DRAIN_BATCH, 1, 1_000_000),
                    node.longValue("drainIntervalMs", DEFAULT_DRAIN_INTERVAL_MS, 1, 600_000),
                    node.longValue(
                        "isolationAcceptAfterMs",
                        DEFAULT_ISOLATION_ACCEPT_AFTER_MS,
                        0,
                        86_400_000))),
        root.section(
            "http",
            http ->
                new SwitchboardConfig.Http(
                    http.string("host", DEFAULT_HOST),
                    http.port("port", DEFAULT_HTTP_PORT),
                    http.integer("socketInstances", DEFAULT_SOCKET_INSTANCES, 0, 1024),
                    http.stringList("allowedOrigins", DEFAULT_ALLOWED_ORIGINS),
                    http.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 0, 10_000_000),
                    http.longValue("headerTimeoutMs", DEFAULT_HEADER_TIMEOUT_MS, 100, 600_000),
                    http.longValue("bodyTimeoutMs", DEFAULT_BODY_TIMEOUT_MS, 100, 3_600_000),
                    http.integer("upgradesPerSecond", DEFAULT_UPGRADES_PER_SECOND, 1, 10_000_000),
                    http.integer("upgradeBurst", DEFAULT_UPGRADE_BURST, 1, 10_000_000))),
        root.section(
            "metrics",
            metrics ->
                new SwitchboardConfig.Metrics(
                    metrics.bool("enabled", DEFAULT_METRICS_ENABLED),
                    metrics.string("host", DEFAULT_HOST),
                    metrics.port("port", DEFAULT_METRICS_PORT))),
        root.section("auth", ConfigReader::readAuth),
        root.section(
            "limits",
            limits ->
                new SwitchboardConfig.Limits(
                    limits.integer("maxChannelsPerSocket", DEFAULT_MAX_CHANNELS, 1, 100_000),
                    limits.integer("maxTopicLength", DEFAULT_MAX_TOPIC_LENGTH, 1, 255),
                    limits.integer("maxMessageBytes", DEFAULT_MAX_MESSAGE_BYTES, 256, 64 << 20),
                    limits.longValue("idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS, 100, 86_400_000L),
                    limits.longValue(
                        "maxOutboundBytes", DEFAULT_MAX_OUTBOUND_BYTES, 4096, 1L << 30),
                    limits.integer("maxInflightPerSocket", DEFAULT_MAX_INFLIGHT, 1, 10_000),
                    limits.integer("writeDelayMs", DEFAULT_WRITE_DELAY_MS, 0, 1_000),
                    limits.integer(
                        "maxStreamBufferBytes", DEFAULT_MAX_STREAM_BUFFER_BYTES, 1024, 1 << 30),
                    limits.integer(
                        "maxConnectionsPerUser", DEFAULT_MAX_CONNECTIONS_PER_USER, 1, 10_000_000))),
        root.section(
            "rateLimit",
            rate ->
                new SwitchboardConfig.RateLimit(
                    rate.integer(
                        "messagesPerSecond",
                        DEFAULT_RATE_PER_SECOND,
                        ChannelRule.RateBudget.MIN_MESSAGES_PER_SECOND,
                        ChannelRule.RateBudget.MAX_MESSAGES_PER_SECOND),
                    rate.integer(
                        "burst",
                        DEFAULT_RATE_BURST,
                        ChannelRule.RateBudget.MIN_BURST,
                        ChannelRule.RateBudget.MAX_BURST),
                    rate.integer("closeAfterRejected", DEFAULT_RATE_CLOSE_AFTER, 1, 100_000_000))),
        root.section(
            "compression",
            compression ->
                new SwitchboardConfig.Compression(
                    compression.bool("permessageDeflate", DEFAULT_PERMESSAGE_DEFLATE),
                    compression.integer("level", DEFAULT_DEFLATE_LEVEL, 1, 9),
                    compression.bool("noContextTakeover", DEFAULT_NO_CONTEXT_TAKEOVER),
                    compression.bool(
                        "clientNoContextTakeover", DEFAULT_CLIENT_NO_CONTEXT_TAKEOVER))),
        root.section(
            "api",
            api ->
                new SwitchboardConfig.Api(
                    api.optionalString("key")
                        .map(
                            k -> {
                              if (k.length() < MIN_API_KEY_CHARS) {
                                throw new ConfigException(
                                    api.key("key"),
                                    "needs at least " + MIN_API_KEY_CHARS + " characters");
                              }
                              return k;
                            }),
                    api.integer("maxBodyBytes", DEFAULT_API_MAX_BODY_BYTES, 64, 64 << 20))),
        root.section(
            "bridge",
            bridge ->
                new SwitchboardConfig.Bridge(
                    bridge.bool("enabled", DEFAULT_BRIDGE_ENABLED),
                    bridge.integer("maxHandlersPerSocket", DEFAULT_BRIDGE_MAX_HANDLERS, 1, 100_000),
                    bridge.integer("maxAddressLength", DEFAULT_BRIDGE_MAX_ADDRESS_LENGTH, 16, 4096),
                    bridge.integer(
                        "maxMessageBytes", DEFAULT_BRIDGE_MAX_MESSAGE_BYTES, 256, 64 << 20))),
        root.section(
            "presence",
            presence ->
                new SwitchboardConfig.Presence(
                    presence.longValue(
                        "diffIntervalMs", DEFAULT_PRESENCE_DIFF_INTERVAL_MS, 1, 60_000),
                    presence.integer("maxPerTopic", DEFAULT_PRESENCE_MAX_PER_TOPIC, 1, 10_000_000),
                    presence.integer(
                        "maxMetaBytes", DEFAULT_PRESENCE_MAX_META_BYTES, 16, 64 << 10))),
        root.section(
            "history",
            history ->
                new SwitchboardConfig.History(
                    history.integer("maxReplay", DEFAULT_HISTORY_MAX_REPLAY, 1, 1_000_000),
                    history.longValue("gapFillMs", DEFAULT_HISTORY_GAP_FILL_MS, 1, 60_000),
                    history.longValue(
                        "idempotencyWindowSeconds",
                        DEFAULT_HISTORY_IDEMPOTENCY_WINDOW_SECONDS,
                        1,
                        86_400))),
        readChannels(root),
        root.section(
            "longPoll",
            lp ->
                new SwitchboardConfig.LongPoll(
                    lp.bool("enabled", DEFAULT_LONGPOLL_ENABLED),
                    lp.longValue("windowMs", DEFAULT_LONGPOLL_WINDOW_MS, 100, 600_000),
                    lp.longValue("idleTimeoutMs", DEFAULT_LONGPOLL_IDLE_TIMEOUT_MS, 200, 3_600_000),
                    lp.integer(
                        "maxQueuedFrames", DEFAULT_LONGPOLL_MAX_QUEUED_FRAMES, 1, 1_000_000))));
  }

  private static Set<NodeRole> roles(ConfigSection node) {
    Set<NodeRole> roles = java.util.EnumSet.noneOf(NodeRole.class);
    for (String word : node.stringList("roles", DEFAULT_ROLES)) {
      Set<NodeRole> expanded = NodeRole.expand(word);
      if (expanded == null) {
        throw new ConfigException(
            node.key("roles"),
            "each entry must be all, edge, core, sockets, routing, batching "
                + "or metrics, got '"
                + word
                + "'");
      }
      roles.addAll(expanded);
    }
    if (roles.isEmpty()) {
      throw new ConfigException(node.key("roles"), "must name at least one role");
    }
    return java.util.Collections.unmodifiableSet(roles);
  }

  private static SwitchboardConfig.Auth readAuth(ConfigSection auth) {
    String algorithm = auth.string("algorithm", DEFAULT_ALGORITHM);
    if (!ALGORITHMS.contains(algorithm)) {
      throw new ConfigException(
          auth.key("algorithm"), "must be one of " + ALGORITHMS + ", got '" + algorithm + "'");
    }
    Optional<String> secret = auth.optionalString("secret");
    Optional<String> publicKey = auth.optionalString("publicKey");
    if (algorithm.equals(HMAC_ALGORITHM)) {
      if (publicKey.isPresent()) {
        throw new ConfigException(
            auth.key("publicKey"), "is for RS256/ES256; HS256 uses auth.secret");
      }
      secret.ifPresent(
          s -> {
            if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
              throw new ConfigException(
                  auth.key("secret"),
                  "an HS256 secret needs at least " + MIN_SECRET_BYTES + " bytes");
            }
          });
    } else {
      if (secret.isPresent()) {
        throw new ConfigException(
            auth.key("secret"), "is for HS256; " + algorithm + " uses auth.publicKey (PEM)");
      }
      publicKey.ifPresent(
          pem -> {
            if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
              throw new ConfigException(
                  auth.key("publicKey"), "must be a PEM 'BEGIN PUBLIC KEY' block");
            }
          });
    }
    return new SwitchboardConfig.Auth(
        algorithm,
        secret,
        publicKey,
        auth.bool("dev", DEFAULT_DEV_MODE),
        auth.optionalString("issuer"),
        auth.optionalString("audience"),
        auth.integer("leewaySeconds", DEFAULT_JWT_LEEWAY_SECONDS, 0, 3600),
        auth.bool("closeOnExpiry", DEFAULT_CLOSE_ON_EXPIRY));
  }

  private static List<ChannelRule> readChannels(ConfigSection root) {
    Object raw = root.value("channels");
    if (raw == null) {
      return DEFAULT_CHANNELS;
    }
    if (!(raw instanceof JsonArray array)) {
      throw new ConfigException(
          "channels", "must be an array of {pattern, kind, join, clientEvents}");
    }
    List<ChannelRule> rules = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String path = "channels[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw new ConfigException(path, "must be an object {pattern, kind, join, clientEvents}");
      }
      rules.add(ConfigSection.read(entry, path, ConfigReader::readRule));
    }
    return List.copyOf(rules);
  }

  private static ChannelRule readRule(ConfigSection rule) {
    String pattern = rule.string("pattern", null);
    if (pattern == null
        || pattern.isEmpty()
        || (pattern.indexOf('*') >= 0 && pattern.indexOf('*') != pattern.length() - 1)) {
      throw new ConfigException(
          rule.key("pattern"), "must be a topic or a prefix ending in '*', got '" + pattern + "'");
    }
    String kindName = rule.string("kind", null);
    ChannelKind kind = ChannelKind.parse(kindName);
    if (kind == null) {
      throw new ConfigException(
          rule.key("kind"),
          "must be one of " + names(ChannelKind.values()) + ", got '" + kindName + "'");
    }
    String joinName = rule.string("join", ChannelRule.DEFAULT_JOIN.configName());
    JoinAccess join = JoinAccess.parse(joinName);
    if (join == null) {
      throw new ConfigException(
          rule.key("join"),
          "must be one of " + names(JoinAccess.values()) + ", got '" + joinName + "'");
    }
    Set<String> events =
        new LinkedHashSet<>(rule.stringList("clientEvents", kind.defaultClientEvents()));
    ChannelRule.Options options =
        new ChannelRule.Options(
            rule.integer(
                "compressAboveBytes",
                ChannelRule.Options.DEFAULT_COMPRESS_ABOVE_BYTES,
                ChannelRule.Options.NO_COMPRESSION,
                Integer.MAX_VALUE),
            rule.integer(
                "batchMaxMessages", ChannelRule.Options.DEFAULT_BATCH_MAX_MESSAGES, 1, 100_000),
            rule.longValue(
                "batchMaxDelayMs", ChannelRule.Options.DEFAULT_BATCH_MAX_DELAY_MS, 1, 3_600_000),
            rule.integer(
                "streamBufferMax", ChannelRule.Options.DEFAULT_STREAM_BUFFER_MAX, 1, 1_000_000),
            presenceMode(rule),
            rule.optionalSection("rateLimit", ConfigReader::readRateBudget),
            rule.optionalSection("history", ConfigReader::readHistory)
                .orElse(ChannelRule.History.OFF));
    return new ChannelRule(pattern, kind, join, Set.copyOf(events), options);
  }

  private static PresenceMode presenceMode(ConfigSection rule) {
    String name = rule.string("presence", ChannelRule.Options.DEFAULT_PRESENCE.configName());
    PresenceMode mode = PresenceMode.parse(name);
    if (mode == null) {
      throw new ConfigException(
          rule.key("presence"),
          "must be one of " + names(PresenceMode.values()) + ", got '" + name + "'");
    }
    return mode;
  }

  /** A rule's history: {@code {}} keeps the default size and TTL; size 0 turns it off. */
  private static ChannelRule.History readHistory(ConfigSection history) {
    int size =
        history.integer("size", ChannelRule.History.DEFAULT_SIZE, 0, ChannelRule.History.MAX_SIZE);
    long ttl =
        history.longValue("ttlSeconds", ChannelRule.History.DEFAULT_TTL_SECONDS, 1, 30L * 86_400);
    return size == 0 ? ChannelRule.History.OFF : new ChannelRule.History(size, ttl);
  }

  /** A rule's own budget: both keys required, so a rule never half-inherits the socket-wide one. */
  private static ChannelRule.RateBudget readRateBudget(ConfigSection budget) {
    return new ChannelRule.RateBudget(
        budget.requiredInteger(
            "messagesPerSecond",
            ChannelRule.RateBudget.MIN_MESSAGES_PER_SECOND,
            ChannelRule.RateBudget.MAX_MESSAGES_PER_SECOND),
        budget.requiredInteger(
            "burst", ChannelRule.RateBudget.MIN_BURST, ChannelRule.RateBudget.MAX_BURST));
  }

  private static String names(Enum<?>[] values) {
    return Arrays.toString(Arrays.stream(values).map(ConfigReader::configName).toArray());
  }

  private static String configName(Enum<?> value) {
    if (value instanceof ChannelKind k) {
      return k.configName();
    }
    if (value instanceof PresenceMode m) {
      return m.configName();
    }
    return ((JoinAccess) value).configName();
  }

  /**
   * Sets a dotted key, creating sections as needed; env values arrive as strings and are typed on
   * read.
   */
  private static void put(JsonObject root, String dotted, String value) {
    String[] parts = dotted.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.getValue(parts[i]);
      if (!(child instanceof JsonObject)) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = (JsonObject) child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
