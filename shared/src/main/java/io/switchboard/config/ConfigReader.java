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
 * Reads a {@link SwitchboardConfig} from JSON plus environment overrides, validating every key. The only place
 * defaults live; each is a named constant.
 */
public final class ConfigReader {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_HTTP_PORT = 4000;
  public static final int DEFAULT_METRICS_PORT = 4001;
  public static final String DEFAULT_ALGORITHM = "HS256";
  /** Phoenix's {@code max_channels_per_transport}. */
  public static final int DEFAULT_MAX_CHANNELS = 100;
  public static final int DEFAULT_MAX_TOPIC_LENGTH = 255;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 65_536;
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000;
  public static final long DEFAULT_MAX_OUTBOUND_BYTES = 1_048_576;
  public static final int DEFAULT_MAX_STREAM_BUFFER_BYTES = 1_048_576;
  /** Clock skew allowed on exp, nbf and iat: a token issuer whose clock runs a little ahead must not fail. */
  public static final int DEFAULT_JWT_LEEWAY_SECONDS = 30;
  public static final int DEFAULT_MAX_INFLIGHT = 64;
  /** HMAC keys shorter than this are refused: vertx-auth-jwt does not check. */
  public static final int MIN_SECRET_BYTES = 32;
  public static final List<String> DEFAULT_ROLES = List.of("all");
  /** Generous: phoenix.js heartbeats every 30 s; chat clients push a few messages a second. */
  public static final int DEFAULT_RATE_PER_SECOND = 100;
  public static final int DEFAULT_RATE_BURST = 200;
  public static final int DEFAULT_RATE_CLOSE_AFTER = 1_000;
  /** Off, as in Phoenix, Socket.IO and Centrifugo: a deflate context per socket costs ~300 KB (BENCHMARKS.md). */
  public static final boolean DEFAULT_PERMESSAGE_DEFLATE = false;
  /** Level 1: most of the size win of level 6 at a fraction of the CPU (docs/BENCHMARKS.md). */
  public static final int DEFAULT_DEFLATE_LEVEL = 1;
  /** Phoenix drains 10,000 sockets every 2 s. */
  public static final int DEFAULT_DRAIN_BATCH = 10_000;
  public static final long DEFAULT_DRAIN_INTERVAL_MS = 2_000;

  /** Environment variable → config key (dotted path). Documented in docs/CONFIG.md. */
  public static final Map<String, String> ENV_KEYS = Map.ofEntries(
      Map.entry("SWITCHBOARD_ROLES", "node.roles"),
      Map.entry("SWITCHBOARD_DRAIN_BATCH_SIZE", "node.drainBatchSize"),
      Map.entry("SWITCHBOARD_DRAIN_INTERVAL_MS", "node.drainIntervalMs"),
      Map.entry("SWITCHBOARD_HTTP_HOST", "http.host"),
      Map.entry("SWITCHBOARD_HTTP_PORT", "http.port"),
      Map.entry("SWITCHBOARD_SOCKET_INSTANCES", "http.socketInstances"),
      Map.entry("SWITCHBOARD_ALLOWED_ORIGINS", "http.allowedOrigins"),
      Map.entry("SWITCHBOARD_METRICS_ENABLED", "metrics.enabled"),
      Map.entry("SWITCHBOARD_METRICS_HOST", "metrics.host"),
      Map.entry("SWITCHBOARD_METRICS_PORT", "metrics.port"),
      Map.entry("SWITCHBOARD_JWT_ALGORITHM", "auth.algorithm"),
      Map.entry("SWITCHBOARD_JWT_SECRET", "auth.secret"),
      Map.entry("SWITCHBOARD_JWT_PUBLIC_KEY", "auth.publicKey"),
      Map.entry("SWITCHBOARD_JWT_ISSUER", "auth.issuer"),
      Map.entry("SWITCHBOARD_JWT_AUDIENCE", "auth.audience"),
      Map.entry("SWITCHBOARD_JWT_LEEWAY_SECONDS", "auth.leewaySeconds"),
      Map.entry("SWITCHBOARD_DEV", "auth.dev"),
      Map.entry("SWITCHBOARD_IDLE_TIMEOUT_MS", "limits.idleTimeoutMs"),
      Map.entry("SWITCHBOARD_WRITE_DELAY_MS", "limits.writeDelayMs"),
      Map.entry("SWITCHBOARD_MAX_STREAM_BUFFER_BYTES", "limits.maxStreamBufferBytes"),
      Map.entry("SWITCHBOARD_MAX_CHANNELS", "limits.maxChannelsPerSocket"),
      Map.entry("SWITCHBOARD_MAX_MESSAGE_BYTES", "limits.maxMessageBytes"),
      Map.entry("SWITCHBOARD_RATE_PER_SECOND", "rateLimit.messagesPerSecond"),
      Map.entry("SWITCHBOARD_PERMESSAGE_DEFLATE", "compression.permessageDeflate"),
      Map.entry("SWITCHBOARD_API_KEY", "api.key"),
      Map.entry("SWITCHBOARD_BRIDGE_ENABLED", "bridge.enabled"));

  private ConfigReader() {
  }

  /** Applies environment overrides to a copy of {@code json} and reads it. */
  public static SwitchboardConfig read(JsonObject json, Map<String, String> env) {
    JsonObject merged = json.copy();
    ENV_KEYS.forEach((var, key) -> {
      String value = env.get(var);
      if (value != null) {
        put(merged, key, value);
      }
    });
    return read(merged);
  }

  public static SwitchboardConfig read(JsonObject json) {
    JsonObject node = section(json, "node");
    JsonObject http = section(json, "http");
    JsonObject metrics = section(json, "metrics");
    JsonObject auth = section(json, "auth");
    JsonObject limits = section(json, "limits");
    JsonObject rate = section(json, "rateLimit");
    JsonObject compression = section(json, "compression");
    JsonObject api = section(json, "api");
    JsonObject bridge = section(json, "bridge");
    return new SwitchboardConfig(
        new SwitchboardConfig.Node(
            roles(node),
            integer(node, "node.drainBatchSize", DEFAULT_DRAIN_BATCH, 1, 1_000_000),
            longValue(node, "node.drainIntervalMs", DEFAULT_DRAIN_INTERVAL_MS, 1, 600_000)),
        new SwitchboardConfig.Http(
            string(http, "http.host", DEFAULT_HOST),
            port(http, "http.port", DEFAULT_HTTP_PORT),
            integer(http, "http.socketInstances", 0, 0, 1024),
            stringList(http, "http.allowedOrigins", List.of())),
        new SwitchboardConfig.Metrics(
            bool(metrics, "metrics.enabled", true),
            string(metrics, "metrics.host", DEFAULT_HOST),
            port(metrics, "metrics.port", DEFAULT_METRICS_PORT)),
        readAuth(auth),
        new SwitchboardConfig.Limits(
            integer(limits, "limits.maxChannelsPerSocket", DEFAULT_MAX_CHANNELS, 1, 100_000),
            integer(limits, "limits.maxTopicLength", DEFAULT_MAX_TOPIC_LENGTH, 1, 255),
            integer(limits, "limits.maxMessageBytes", DEFAULT_MAX_MESSAGE_BYTES, 256, 64 << 20),
            longValue(limits, "limits.idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS, 100, 86_400_000L),
            longValue(limits, "limits.maxOutboundBytes", DEFAULT_MAX_OUTBOUND_BYTES, 4096, 1L << 30),
            integer(limits, "limits.maxInflightPerSocket", DEFAULT_MAX_INFLIGHT, 1, 10_000),
            integer(limits, "limits.writeDelayMs", 0, 0, 1_000),
            integer(limits, "limits.maxStreamBufferBytes", DEFAULT_MAX_STREAM_BUFFER_BYTES, 1024, 1 << 30)),
        new SwitchboardConfig.RateLimit(
            integer(rate, "rateLimit.messagesPerSecond", DEFAULT_RATE_PER_SECOND, 1, 1_000_000),
            integer(rate, "rateLimit.burst", DEFAULT_RATE_BURST, 1, 10_000_000),
            integer(rate, "rateLimit.closeAfterRejected", DEFAULT_RATE_CLOSE_AFTER, 1, 100_000_000)),
        new SwitchboardConfig.Compression(
            bool(compression, "compression.permessageDeflate", DEFAULT_PERMESSAGE_DEFLATE),
            integer(compression, "compression.level", DEFAULT_DEFLATE_LEVEL, 1, 9),
            bool(compression, "compression.noContextTakeover", true),
            bool(compression, "compression.clientNoContextTakeover", true)),
        new SwitchboardConfig.Api(
            optionalString(api, "api.key").map(k -> {
              if (k.length() < 16) {
                throw new ConfigException("api.key", "needs at least 16 characters");
              }
              return k;
            }),
            integer(api, "api.maxBodyBytes", 65_536, 64, 64 << 20)),
        new SwitchboardConfig.Bridge(
            bool(bridge, "bridge.enabled", true),
            integer(bridge, "bridge.maxHandlersPerSocket", 100, 1, 100_000),
            integer(bridge, "bridge.maxAddressLength", 255, 16, 4096),
            integer(bridge, "bridge.maxMessageBytes", 65_536, 256, 64 << 20)),
        readChannels(json));
  }

  private static Set<NodeRole> roles(JsonObject node) {
    Set<NodeRole> roles = java.util.EnumSet.noneOf(NodeRole.class);
    for (String word : stringList(node, "node.roles", DEFAULT_ROLES)) {
      Set<NodeRole> expanded = NodeRole.expand(word);
      if (expanded == null) {
        throw new ConfigException("node.roles", "each entry must be all, edge, core, sockets, routing, batching or "
            + "metrics, got '" + word + "'");
      }
      roles.addAll(expanded);
    }
    if (roles.isEmpty()) {
      throw new ConfigException("node.roles", "must name at least one role");
    }
    return java.util.Collections.unmodifiableSet(roles);
  }

  private static SwitchboardConfig.Auth readAuth(JsonObject auth) {
    String algorithm = string(auth, "auth.algorithm", DEFAULT_ALGORITHM);
    if (!List.of("HS256", "RS256", "ES256").contains(algorithm)) {
      throw new ConfigException("auth.algorithm", "must be HS256, RS256 or ES256, got '" + algorithm + "'");
    }
    Optional<String> secret = optionalString(auth, "auth.secret");
    Optional<String> publicKey = optionalString(auth, "auth.publicKey");
    if (algorithm.equals("HS256")) {
      if (publicKey.isPresent()) {
        throw new ConfigException("auth.publicKey", "is for RS256/ES256; HS256 uses auth.secret");
      }
      secret.ifPresent(s -> {
        if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
          throw new ConfigException("auth.secret", "an HS256 secret needs at least " + MIN_SECRET_BYTES + " bytes");
        }
      });
    } else {
      if (secret.isPresent()) {
        throw new ConfigException("auth.secret", "is for HS256; " + algorithm + " uses auth.publicKey (PEM)");
      }
      publicKey.ifPresent(pem -> {
        if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
          throw new ConfigException("auth.publicKey", "must be a PEM 'BEGIN PUBLIC KEY' block");
        }
      });
    }
    return new SwitchboardConfig.Auth(algorithm, secret, publicKey, bool(auth, "auth.dev", false),
        optionalString(auth, "auth.issuer"), optionalString(auth, "auth.audience"),
        integer(auth, "auth.leewaySeconds", DEFAULT_JWT_LEEWAY_SECONDS, 0, 3600));
  }

  private static List<ChannelRule> readChannels(JsonObject json) {
    Object raw = json.getValue("channels");
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray array)) {
      throw new ConfigException("channels", "must be an array of {pattern, kind, join, clientEvents}");
    }
    List<ChannelRule> rules = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String key = "channels[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw new ConfigException(key, "must be an object {pattern, kind, join, clientEvents}");
      }
      String pattern = string(entry, key + ".pattern", null);
      if (pattern == null || pattern.isEmpty() || pattern.indexOf('*') >= 0 && pattern.indexOf('*') != pattern.length() - 1) {
        throw new ConfigException(key + ".pattern", "must be a topic or a prefix ending in '*', got '" + pattern + "'");
      }
      String kindName = string(entry, key + ".kind", null);
      ChannelKind kind = ChannelKind.parse(kindName);
      if (kind == null) {
        throw new ConfigException(key + ".kind", "must be one of " + names(ChannelKind.values()) + ", got '" + kindName + "'");
      }
      String joinName = string(entry, key + ".join", JoinAccess.AUTHENTICATED.configName());
      JoinAccess join = JoinAccess.parse(joinName);
      if (join == null) {
        throw new ConfigException(key + ".join", "must be one of " + names(JoinAccess.values()) + ", got '" + joinName + "'");
      }
      Set<String> events = new LinkedHashSet<>(stringList(entry, key + ".clientEvents", kind.defaultClientEvents()));
      ChannelRule.Options d = ChannelRule.Options.DEFAULTS;
      ChannelRule.Options options = new ChannelRule.Options(
          integer(entry, key + ".compressAboveBytes", d.compressAboveBytes(), -1, Integer.MAX_VALUE),
          integer(entry, key + ".batchMaxMessages", d.batchMaxMessages(), 1, 100_000),
          longValue(entry, key + ".batchMaxDelayMs", d.batchMaxDelayMs(), 1, 3_600_000),
          integer(entry, key + ".streamBufferMax", d.streamBufferMax(), 1, 1_000_000));
      rules.add(new ChannelRule(pattern, kind, join, Set.copyOf(events), options));
    }
    return List.copyOf(rules);
  }

  private static String names(Enum<?>[] values) {
    return Arrays.toString(Arrays.stream(values).map(v -> v instanceof ChannelKind k ? k.configName()
        : ((JoinAccess) v).configName()).toArray());
  }

  // --- typed accessors: each names its key in the error ---

  private static JsonObject section(JsonObject json, String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return new JsonObject();
    }
    if (v instanceof JsonObject o) {
      return o;
    }
    throw new ConfigException(key, "must be an object");
  }

  private static String leaf(String key) {
    return key.substring(key.lastIndexOf('.') + 1);
  }

  private static String string(JsonObject o, String key, String def) {
    Object v = o.getValue(leaf(key));
    if (v == null) {
      return def;
    }
    if (v instanceof String s) {
      return s;
    }
    throw new ConfigException(key, "must be a string");
  }

  private static Optional<String> optionalString(JsonObject o, String key) {
    String s = string(o, key, null);
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  private static boolean bool(JsonObject o, String key, boolean def) {
    Object v = o.getValue(leaf(key));
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equals("true") || s.equals("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(key, "must be true or false, got '" + v + "'");
  }

  private static long longValue(JsonObject o, String key, long def, long min, long max) {
    Object v = o.getValue(leaf(key));
    long n;
    if (v == null) {
      return def;
    } else if (v instanceof Number num && num.doubleValue() == num.longValue()) {
      n = num.longValue();
    } else if (v instanceof String s) {
      try {
        n = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key, "must be a whole number, got '" + s + "'");
      }
    } else {
      throw new ConfigException(key, "must be a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  private static int integer(JsonObject o, String key, int def, int min, int max) {
    return (int) longValue(o, key, def, min, max);
  }

  private static int port(JsonObject o, String key, int def) {
    return integer(o, key, def, 0, 65_535);
  }

  private static List<String> stringList(JsonObject o, String key, List<String> def) {
    Object v = o.getValue(leaf(key));
    if (v == null) {
      return def;
    }
    if (v instanceof String s) {
      return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
    if (v instanceof JsonArray a) {
      List<String> out = new ArrayList<>();
      for (Object item : a) {
        if (!(item instanceof String s)) {
          throw new ConfigException(key, "must be an array of strings");
        }
        out.add(s);
      }
      return List.copyOf(out);
    }
    throw new ConfigException(key, "must be an array of strings");
  }

  /** Sets a dotted key, creating sections as needed; env values arrive as strings and are typed on read. */
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
