package io.switchboard.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;

/**
 * The config a {@link TestNode} starts with: the shipped one ({@link TestNode#baseConfig()}),
 * changed through typed setters grouped by section as in docs/CONFIG.md, e.g. {@code
 * cfg.limits().maxChannelsPerSocket(2)} or {@code cfg.channel("stream:*").streamBufferMax(3)}.
 *
 * <p>Why typed: with JSON paths a misspelt key was just data, and since the reader refuses unknown
 * keys it fails the start for a reason the test is not about; here it does not compile. Each setter
 * writes the key ConfigReader reads and does not check the value: the reader does that at start, as
 * in production. Tests of bad config itself use {@link #raw}.
 */
public final class TestConfig {
  private final JsonObject json;

  private TestConfig(JsonObject json) {
    this.json = json;
  }

  /** The shipped config, made test-friendly by {@link TestNode#baseConfig()}. */
  static TestConfig shipped() {
    return new TestConfig(TestNode.baseConfig());
  }

  /** The document to deploy: a copy, so that a node never shares it with the builder. */
  JsonObject toJson() {
    return json.copy();
  }

  public Node node() {
    return new Node(section("node"));
  }

  public Http http() {
    return new Http(section("http"));
  }

  public Auth auth() {
    return new Auth(section("auth"));
  }

  public Limits limits() {
    return new Limits(section("limits"));
  }

  /** The socket-wide budget; a rule's own is {@link Channel#rateLimit}. */
  public RateLimit rateLimit() {
    return new RateLimit(section("rateLimit"));
  }

  public Compression compression() {
    return new Compression(section("compression"));
  }

  public Api api() {
    return new Api(section("api"));
  }

  public Presence presence() {
    return new Presence(section("presence"));
  }

  public History history() {
    return new History(section("history"));
  }

  public LongPoll longPoll() {
    return new LongPoll(section("longPoll"));
  }

  /**
   * The shipped rule whose pattern is {@code pattern}. Fails if there is none: tuning a rule that
   * is not there would leave the test running against the defaults it meant to change.
   */
  public Channel channel(String pattern) {
    JsonArray rules = channels();
    for (int i = 0; i < rules.size(); i++) {
      JsonObject rule = rules.getJsonObject(i);
      if (pattern.equals(rule.getString("pattern"))) {
        return new Channel(rule);
      }
    }
    throw new IllegalArgumentException(
        "no channel rule '"
            + pattern
            + "' in the config; its patterns are "
            + rules.stream().map(r -> ((JsonObject) r).getString("pattern")).toList());
  }

  /**
   * A rule added after the shipped ones: first match wins, so it sees only topics none of them
   * matches.
   */
  public Channel addChannel(String pattern, String kind, String join) {
    JsonObject rule = new JsonObject().put("pattern", pattern).put("kind", kind).put("join", join);
    channels().add(rule);
    return new Channel(rule);
  }

  /** {@code "channels": []}: no topic can be joined. */
  public TestConfig noChannels() {
    json.put("channels", new JsonArray());
    return this;
  }

  /**
   * No {@code channels} key at all, as in a {@code -conf} document that leaves it out: the shipped
   * rules apply (unlike {@link #noChannels}).
   */
  public TestConfig withoutChannels() {
    json.remove("channels");
    return this;
  }

  /**
   * For tests of bad config only (an out-of-range value, a misspelt key): edits the JSON document
   * directly, since the typed setters cannot spell a key that does not exist. Every other test uses
   * the typed setters.
   */
  public TestConfig raw(Consumer<JsonObject> edit) {
    edit.accept(json);
    return this;
  }

  private JsonObject section(String name) {
    JsonObject section = json.getJsonObject(name);
    if (section == null) { // absent reads as all defaults, so an empty one means the same
      section = new JsonObject();
      json.put(name, section);
    }
    return section;
  }

  private JsonArray channels() {
    JsonArray rules = json.getJsonArray("channels");
    if (rules == null) {
      throw new IllegalStateException(
          "the config has no 'channels' (withoutChannels() was called)");
    }
    return rules;
  }

  /** One JSON object of the config; {@code S} is the concrete section, so setters chain. */
  abstract static class Section<S extends Section<S>> {
    private final JsonObject json;

    Section(JsonObject json) {
      this.json = json;
    }

    @SuppressWarnings("unchecked") // S is always the subclass itself
    final S put(String key, Object value) {
      json.put(key, value);
      return (S) this;
    }
  }

  public static final class Node extends Section<Node> {
    Node(JsonObject json) {
      super(json);
    }

    public Node roles(String... roles) {
      return put("roles", new JsonArray(List.of(roles)));
    }

    public Node isolationAcceptAfterMs(long ms) {
      return put("isolationAcceptAfterMs", ms);
    }
  }

  public static final class Http extends Section<Http> {
    Http(JsonObject json) {
      super(json);
    }

    public Http port(int port) {
      return put("port", port);
    }

    public Http socketInstances(int instances) {
      return put("socketInstances", instances);
    }

    public Http allowedOrigins(String... origins) {
      return put("allowedOrigins", new JsonArray(List.of(origins)));
    }

    public Http maxConnections(int connections) {
      return put("maxConnections", connections);
    }

    public Http headerTimeoutMs(long ms) {
      return put("headerTimeoutMs", ms);
    }

    public Http bodyTimeoutMs(long ms) {
      return put("bodyTimeoutMs", ms);
    }

    public Http upgradesPerSecond(int perSecond) {
      return put("upgradesPerSecond", perSecond);
    }

    public Http upgradeBurst(int burst) {
      return put("upgradeBurst", burst);
    }
  }

  public static final class Auth extends Section<Auth> {
    Auth(JsonObject json) {
      super(json);
    }

    /** {@code ""} is no secret, as the shipped file spells it. */
    public Auth secret(String secret) {
      return put("secret", secret);
    }

    public Auth dev(boolean dev) {
      return put("dev", dev);
    }

    /** 0 lets a test's token die at its {@code exp}, to the second. */
    public Auth leewaySeconds(int seconds) {
      return put("leewaySeconds", seconds);
    }

    public Auth closeOnExpiry(boolean close) {
      return put("closeOnExpiry", close);
    }

    /** {@code HS256}, {@code RS256} or {@code ES256}; the last two take {@link #publicKey}. */
    public Auth algorithm(String algorithm) {
      return put("algorithm", algorithm);
    }

    /** A PEM {@code BEGIN PUBLIC KEY} block, for RS256/ES256 (clear the secret with {@code ""}). */
    public Auth publicKey(String pem) {
      return put("publicKey", pem);
    }

    public Auth issuer(String issuer) {
      return put("issuer", issuer);
    }

    public Auth audience(String audience) {
      return put("audience", audience);
    }
  }

  public static final class Limits extends Section<Limits> {
    Limits(JsonObject json) {
      super(json);
    }

    public Limits maxChannelsPerSocket(int channels) {
      return put("maxChannelsPerSocket", channels);
    }

    public Limits maxMessageBytes(int bytes) {
      return put("maxMessageBytes", bytes);
    }

    public Limits idleTimeoutMs(long ms) {
      return put("idleTimeoutMs", ms);
    }

    public Limits maxOutboundBytes(long bytes) {
      return put("maxOutboundBytes", bytes);
    }

    public Limits writeDelayMs(int ms) {
      return put("writeDelayMs", ms);
    }

    public Limits maxStreamBufferBytes(int bytes) {
      return put("maxStreamBufferBytes", bytes);
    }

    public Limits maxConnectionsPerUser(int sockets) {
      return put("maxConnectionsPerUser", sockets);
    }
  }

  public static final class RateLimit extends Section<RateLimit> {
    RateLimit(JsonObject json) {
      super(json);
    }

    public RateLimit messagesPerSecond(int perSecond) {
      return put("messagesPerSecond", perSecond);
    }

    public RateLimit burst(int burst) {
      return put("burst", burst);
    }

    public RateLimit closeAfterRejected(int rejections) {
      return put("closeAfterRejected", rejections);
    }
  }

  public static final class Compression extends Section<Compression> {
    Compression(JsonObject json) {
      super(json);
    }

    public Compression permessageDeflate(boolean on) {
      return put("permessageDeflate", on);
    }

    public Compression clientNoContextTakeover(boolean on) {
      return put("clientNoContextTakeover", on);
    }
  }

  public static final class Api extends Section<Api> {
    Api(JsonObject json) {
      super(json);
    }

    public Api key(String key) {
      return put("key", key);
    }

    public Api maxBodyBytes(int bytes) {
      return put("maxBodyBytes", bytes);
    }
  }

  public static final class Presence extends Section<Presence> {
    Presence(JsonObject json) {
      super(json);
    }

    public Presence diffIntervalMs(long ms) {
      return put("diffIntervalMs", ms);
    }

    public Presence maxPerTopic(int presences) {
      return put("maxPerTopic", presences);
    }

    public Presence maxMetaBytes(int bytes) {
      return put("maxMetaBytes", bytes);
    }
  }

  public static final class History extends Section<History> {
    History(JsonObject json) {
      super(json);
    }

    public History maxReplay(int broadcasts) {
      return put("maxReplay", broadcasts);
    }

    public History gapFillMs(long ms) {
      return put("gapFillMs", ms);
    }

    public History idempotencyWindowSeconds(long seconds) {
      return put("idempotencyWindowSeconds", seconds);
    }
  }

  public static final class LongPoll extends Section<LongPoll> {
    LongPoll(JsonObject json) {
      super(json);
    }

    public LongPoll enabled(boolean on) {
      return put("enabled", on);
    }

    public LongPoll windowMs(long ms) {
      return put("windowMs", ms);
    }

    public LongPoll idleTimeoutMs(long ms) {
      return put("idleTimeoutMs", ms);
    }

    public LongPoll maxQueuedFrames(int frames) {
      return put("maxQueuedFrames", frames);
    }
  }

  /** One {@code channels[i]} rule. */
  public static final class Channel extends Section<Channel> {
    Channel(JsonObject json) {
      super(json);
    }

    public Channel compressAboveBytes(int bytes) {
      return put("compressAboveBytes", bytes);
    }

    public Channel batchMaxMessages(int messages) {
      return put("batchMaxMessages", messages);
    }

    public Channel batchMaxDelayMs(long ms) {
      return put("batchMaxDelayMs", ms);
    }

    /** {@code "off"}, {@code "list"} or {@code "count"}. */
    public Channel presence(String mode) {
      return put("presence", mode);
    }

    /** Keeps the last {@code size} broadcasts for {@code ttlSeconds}; size 0 turns it off. */
    public Channel history(int size, long ttlSeconds) {
      return put("history", new JsonObject().put("size", size).put("ttlSeconds", ttlSeconds));
    }

    public Channel streamBufferMax(int values) {
      return put("streamBufferMax", values);
    }

    /** This rule's own budget, charged instead of the socket-wide one for pushes on its topics. */
    public Channel rateLimit(int messagesPerSecond, int burst) {
      return put(
          "rateLimit",
          new JsonObject().put("messagesPerSecond", messagesPerSecond).put("burst", burst));
    }
  }
}
