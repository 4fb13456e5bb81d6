package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

  private static final String SECRET_32 = "0123456789abcdef0123456789abcdef";

  private static JsonObject shippedJson() throws IOException {
    return new JsonObject(Files.readString(Path.of("../conf/config.json"), StandardCharsets.UTF_8));
  }

  /** Reads {@code json}, expects a ConfigException, and checks it names {@code key}. */
  private static void assertRejected(String key, JsonObject json) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigReader.read(json));
    assertTrue(e.getMessage().startsWith("config key '" + key + "': "), e.getMessage());
  }

  private static JsonObject channels(JsonObject... entries) {
    return new JsonObject().put("channels", new JsonArray(List.of((Object[]) entries)));
  }

  private static JsonObject rule(String pattern, String kind) {
    return new JsonObject().put("pattern", pattern).put("kind", kind);
  }

  // --- shipped config and defaults ---

  @Test
  void shippedConfigHasTheDocumentedDefaults() throws IOException {
    SwitchboardConfig c = ConfigReader.read(shippedJson());

    assertEquals(
        new SwitchboardConfig.Http("0.0.0.0", 4000, 0, List.of(), 0, 10_000, 30_000, 2_000, 2_000),
        c.http());
    assertEquals(new SwitchboardConfig.Metrics(true, "0.0.0.0", 4001), c.metrics());
    assertEquals(
        new SwitchboardConfig.Auth(
            "HS256",
            Optional.empty(),
            Optional.empty(),
            false,
            Optional.empty(),
            Optional.empty(),
            30,
            true),
        c.auth());
    assertFalse(c.auth().hasKey());
    assertEquals(
        new SwitchboardConfig.Limits(100, 255, 65_536, 60_000, 1_048_576, 64, 0, 1_048_576, 100),
        c.limits());
  }

  @Test
  void shippedConfigHasTheSevenChannelRulesInOrder() throws IOException {
    SwitchboardConfig c = ConfigReader.read(shippedJson());
    ChannelRule.Options d = ChannelRule.Options.DEFAULTS;
    ChannelRule.History shippedHistory = new ChannelRule.History(100, 300);

    assertEquals(
        List.of(
            new ChannelRule(
                "room:*",
                ChannelKind.BROADCAST,
                JoinAccess.AUTHENTICATED,
                Set.of("message", "shout"),
                new ChannelRule.Options(
                    1024, 10, 50, 1000, PresenceMode.OFF, Optional.empty(), shippedHistory)),
            new ChannelRule(
                "chat:*",
                ChannelKind.BROADCAST,
                JoinAccess.AUTHENTICATED,
                Set.of("message", "shout"),
                new ChannelRule.Options(
                    -1, 10, 50, 1000, PresenceMode.OFF, Optional.empty(), shippedHistory)),
            new ChannelRule(
                "presence:*",
                ChannelKind.BROADCAST,
                JoinAccess.AUTHENTICATED,
                Set.of("message", "shout"),
                new ChannelRule.Options(
                    -1,
                    10,
                    50,
                    1000,
                    PresenceMode.LIST,
                    Optional.empty(),
                    ChannelRule.History.OFF)),
            new ChannelRule("notifications:*", ChannelKind.SERVER_PUSH, JoinAccess.OWN, Set.of()),
            new ChannelRule(
                "analytics:*", ChannelKind.INGEST, JoinAccess.AUTHENTICATED, Set.of("*")),
            new ChannelRule(
                "batch:*", ChannelKind.BATCH, JoinAccess.AUTHENTICATED, Set.of("add_message"), d),
            new ChannelRule(
                "stream:*",
                ChannelKind.STREAM,
                JoinAccess.AUTHENTICATED,
                Set.of("data", "flush"),
                new ChannelRule.Options(
                    -1,
                    10,
                    50,
                    1000,
                    PresenceMode.OFF,
                    Optional.of(new ChannelRule.RateBudget(1000, 2000)),
                    ChannelRule.History.OFF))),
        c.channels());
    assertEquals(new SwitchboardConfig.RateLimit(100, 200, 1000), c.rateLimit());
    assertEquals(new SwitchboardConfig.Presence(50, 10_000, 1024), c.presence());
    assertEquals(new SwitchboardConfig.History(1000, 250, 120), c.history());
    assertEquals(new SwitchboardConfig.Compression(false, 1, true, true), c.compression());
  }

  @Test
  void emptyJsonGivesTheDefaults() {
    SwitchboardConfig c = ConfigReader.read(new JsonObject());

    assertEquals(
        new SwitchboardConfig.Http("0.0.0.0", 4000, 0, List.of(), 0, 10_000, 30_000, 2_000, 2_000),
        c.http());
    assertEquals(new SwitchboardConfig.Metrics(true, "0.0.0.0", 4001), c.metrics());
    assertEquals("HS256", c.auth().algorithm());
    assertFalse(c.auth().dev());
    assertFalse(c.auth().hasKey());
    assertEquals(
        new SwitchboardConfig.Limits(100, 255, 65_536, 60_000, 1_048_576, 64, 0, 1_048_576, 100),
        c.limits());
    assertEquals(List.of(), c.channels());
  }

  @Test
  void shippedConfigEqualsTheBuiltInDefaultsExceptForChannels() throws IOException {
    SwitchboardConfig shipped = ConfigReader.read(shippedJson());
    SwitchboardConfig empty = ConfigReader.read(new JsonObject());

    assertEquals(empty.http(), shipped.http());
    assertEquals(empty.metrics(), shipped.metrics());
    assertEquals(empty.auth(), shipped.auth());
    assertEquals(empty.limits(), shipped.limits());
    assertEquals(empty.node(), shipped.node());
    assertEquals(empty.rateLimit(), shipped.rateLimit());
    assertEquals(empty.compression(), shipped.compression());
    assertEquals(empty.api(), shipped.api());
    assertEquals(empty.bridge(), shipped.bridge());
    assertEquals(empty.presence(), shipped.presence());
  }

  @Test
  void sectionDefaultsAreTheDocumentedValues() {
    SwitchboardConfig c = ConfigReader.read(new JsonObject());

    assertEquals(new SwitchboardConfig.Api(Optional.empty(), 65_536), c.api());
    assertEquals(new SwitchboardConfig.Bridge(true, 100, 255, 65_536), c.bridge());
    assertEquals(new SwitchboardConfig.Compression(false, 1, true, true), c.compression());
    assertEquals(new SwitchboardConfig.RateLimit(100, 200, 1000), c.rateLimit());
    assertEquals(new SwitchboardConfig.Presence(50, 10_000, 1024), c.presence());
  }

  @Test
  void aRuleTurnsPresenceOnByName() {
    SwitchboardConfig c =
        ConfigReader.read(
            channels(
                rule("a:*", "broadcast").put("presence", "list"),
                rule("b:*", "server-push").put("presence", "count")));

    assertEquals(PresenceMode.LIST, c.channels().get(0).options().presence());
    assertEquals(PresenceMode.COUNT, c.channels().get(1).options().presence());
  }

  @Test
  void aRuleKeepsHistoryWithDefaultsSizeOrNone() {
    SwitchboardConfig c =
        ConfigReader.read(
            channels(
                rule("a:*", "broadcast").put("history", new JsonObject()),
                rule("b:*", "broadcast").put("history", new JsonObject().put("size", 7)),
                rule("c:*", "broadcast").put("history", new JsonObject().put("size", 0)),
                rule("d:*", "broadcast")));

    assertEquals(new ChannelRule.History(100, 300), c.channels().get(0).options().history());
    assertEquals(new ChannelRule.History(7, 300), c.channels().get(1).options().history());
    assertFalse(c.channels().get(2).options().keepsHistory());
    assertFalse(c.channels().get(3).options().keepsHistory());
  }

  @Test
  void aHistoryThatIsNotAnObjectOrTooBigNamesTheKey() {
    assertRejected("channels[0].history", channels(rule("a:*", "broadcast").put("history", true)));
    assertRejected(
        "channels[0].history.size",
        channels(rule("a:*", "broadcast").put("history", new JsonObject().put("size", 100_001))));
  }

  @Test
  void anUnknownPresenceModeNamesTheKey() {
    assertRejected(
        "channels[0].presence", channels(rule("a:*", "broadcast").put("presence", "on")));
  }

  @Test
  void channelOptionDefaultsAreTheDocumentedValues() {
    ChannelRule rule = ConfigReader.read(channels(rule("a:*", "batch"))).channels().get(0);

    assertEquals(JoinAccess.AUTHENTICATED, rule.join());
    assertEquals(-1, rule.options().compressAboveBytes());
    assertEquals(10, rule.options().batchMaxMessages());
    assertEquals(50, rule.options().batchMaxDelayMs());
    assertEquals(1000, rule.options().streamBufferMax());
    assertEquals(Optional.empty(), rule.options().rateLimit());
    assertEquals(PresenceMode.OFF, rule.options().presence());
    assertEquals(ChannelRule.Options.DEFAULTS, rule.options());
  }

  @Test
  void channelDefaultsDependOnKind() {
    SwitchboardConfig c =
        ConfigReader.read(
            channels(
                rule("a:*", "broadcast"),
                rule("b:*", "server-push"),
                rule("c:*", "ingest"),
                rule("d:*", "batch"),
                rule("e:*", "stream")));

    assertEquals(Set.of("message", "shout"), c.channels().get(0).clientEvents());
    assertEquals(Set.of(), c.channels().get(1).clientEvents());
    assertEquals(Set.of("*"), c.channels().get(2).clientEvents());
    assertEquals(Set.of("add_message"), c.channels().get(3).clientEvents());
    assertEquals(Set.of("data", "flush"), c.channels().get(4).clientEvents());
    assertEquals(JoinAccess.AUTHENTICATED, c.channels().get(0).join());
  }

  // --- environment overrides ---

  @Test
  void environmentOverridesWinOverTheFile() throws IOException {
    SwitchboardConfig c =
        ConfigReader.read(
            shippedJson(),
            Map.of(
                "SWITCHBOARD_HTTP_PORT", "5000",
                "SWITCHBOARD_METRICS_PORT", "5001",
                "SWITCHBOARD_METRICS_ENABLED", "false",
                "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
                "SWITCHBOARD_ALLOWED_ORIGINS", "https://a.example, https://b.example",
                "SWITCHBOARD_IDLE_TIMEOUT_MS", "30000",
                "SWITCHBOARD_MAX_CHANNELS", "10",
                "SWITCHBOARD_MAX_MESSAGE_BYTES", "1024",
                "SWITCHBOARD_JWT_SECRET", SECRET_32,
                "SWITCHBOARD_DEV", "true"));

    assertEquals(
        new SwitchboardConfig.Http(
            "127.0.0.1",
            5000,
            0,
            List.of("https://a.example", "https://b.example"),
            0,
            10_000,
            30_000,
            2_000,
            2_000),
        c.http());
    assertEquals(new SwitchboardConfig.Metrics(false, "0.0.0.0", 5001), c.metrics());
    assertEquals(Optional.of(SECRET_32), c.auth().secret());
    assertTrue(c.auth().dev());
    assertEquals(30_000, c.limits().idleTimeoutMs());
    assertEquals(10, c.limits().maxChannelsPerSocket());
    assertEquals(1024, c.limits().maxMessageBytes());
    assertEquals(255, c.limits().maxTopicLength());
    assertEquals(7, c.channels().size());
  }

  @Test
  void closeOnExpiryIsOnByDefaultAndTheEnvironmentTurnsItOff() throws IOException {
    assertTrue(ConfigReader.read(new JsonObject()).auth().closeOnExpiry());
    SwitchboardConfig c =
        ConfigReader.read(shippedJson(), Map.of("SWITCHBOARD_JWT_CLOSE_ON_EXPIRY", "false"));
    assertFalse(c.auth().closeOnExpiry());
  }

  @Test
  void environmentOverridesTheConnectionLimits() {
    SwitchboardConfig c =
        ConfigReader.read(
            new JsonObject(),
            Map.of(
                "SWITCHBOARD_MAX_CONNECTIONS", "500",
                "SWITCHBOARD_HEADER_TIMEOUT_MS", "2000",
                "SWITCHBOARD_BODY_TIMEOUT_MS", "4000",
                "SWITCHBOARD_UPGRADES_PER_SECOND", "50",
                "SWITCHBOARD_UPGRADE_BURST", "70",
                "SWITCHBOARD_MAX_CONNECTIONS_PER_USER", "3"));

    assertEquals(500, c.http().maxConnections());
    assertEquals(2_000, c.http().headerTimeoutMs());
    assertEquals(4_000, c.http().bodyTimeoutMs());
    assertEquals(50, c.http().upgradesPerSecond());
    assertEquals(70, c.http().upgradeBurst());
    assertEquals(3, c.limits().maxConnectionsPerUser());
  }

  @Test
  void connectionLimitsOutOfRangeNameTheirKey() {
    assertRejected(
        "http.headerTimeoutMs",
        new JsonObject().put("http", new JsonObject().put("headerTimeoutMs", 0)));
    assertRejected(
        "http.upgradesPerSecond",
        new JsonObject().put("http", new JsonObject().put("upgradesPerSecond", 0)));
    assertRejected(
        "http.maxConnections",
        new JsonObject().put("http", new JsonObject().put("maxConnections", -1)));
    assertRejected(
        "limits.maxConnectionsPerUser",
        new JsonObject().put("limits", new JsonObject().put("maxConnectionsPerUser", 0)));
  }

  @Test
  void environmentOverridesCreateMissingSections() {
    SwitchboardConfig c =
        ConfigReader.read(new JsonObject(), Map.of("SWITCHBOARD_HTTP_PORT", "5000"));

    assertEquals(5000, c.http().port());
  }

  @Test
  void environmentOverridesDoNotChangeTheInputJson() {
    JsonObject json = new JsonObject().put("http", new JsonObject().put("port", 4100));

    ConfigReader.read(json, Map.of("SWITCHBOARD_HTTP_PORT", "5000"));

    assertEquals(new JsonObject().put("http", new JsonObject().put("port", 4100)), json);
  }

  @Test
  void unrelatedEnvironmentVariablesAreIgnored() {
    SwitchboardConfig c =
        ConfigReader.read(new JsonObject(), Map.of("HTTP_PORT", "5000", "PATH", "/bin"));

    assertEquals(4000, c.http().port());
  }

  @Test
  void badEnvironmentValueNamesTheConfigKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigReader.read(new JsonObject(), Map.of("SWITCHBOARD_HTTP_PORT", "http")));

    assertTrue(e.getMessage().startsWith("config key 'http.port': "), e.getMessage());
  }

  // --- bad values ---

  @Test
  void aStreamBudgetBelowOneMessageIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigReader.read(
                    new JsonObject()
                        .put(
                            "limits",
                            new JsonObject()
                                .put("maxMessageBytes", 4096)
                                .put("maxStreamBufferBytes", 2048)),
                    Map.of()));
    assertTrue(
        e.getMessage().startsWith("config key 'limits.maxStreamBufferBytes': "), e.getMessage());
  }

  @Test
  void rejectsAPortAbove65535() {
    assertRejected("http.port", new JsonObject().put("http", new JsonObject().put("port", 65_536)));
  }

  @Test
  void rejectsANegativePort() {
    assertRejected("http.port", new JsonObject().put("http", new JsonObject().put("port", -1)));
  }

  @Test
  void rejectsAPortThatIsNotANumber() {
    assertRejected("http.port", new JsonObject().put("http", new JsonObject().put("port", "abc")));
  }

  @Test
  void rejectsAFractionalPort() {
    assertRejected("http.port", new JsonObject().put("http", new JsonObject().put("port", 4000.5)));
  }

  @Test
  void rejectsABooleanPort() {
    assertRejected("http.port", new JsonObject().put("http", new JsonObject().put("port", true)));
  }

  @Test
  void acceptsANumericStringPort() {
    SwitchboardConfig c =
        ConfigReader.read(new JsonObject().put("http", new JsonObject().put("port", "4100")));

    assertEquals(4100, c.http().port());
  }

  @Test
  void rejectsABadMetricsPort() {
    assertRejected(
        "metrics.port", new JsonObject().put("metrics", new JsonObject().put("port", 70_000)));
  }

  @Test
  void rejectsASectionThatIsNotAnObject() {
    assertRejected("http", new JsonObject().put("http", 4000));
  }

  @Test
  void rejectsAnHs256SecretShorterThan32Bytes() {
    assertRejected(
        "auth.secret",
        new JsonObject().put("auth", new JsonObject().put("secret", SECRET_32.substring(1))));
  }

  @Test
  void acceptsAnHs256SecretOfExactly32Bytes() {
    SwitchboardConfig c =
        ConfigReader.read(new JsonObject().put("auth", new JsonObject().put("secret", SECRET_32)));

    assertEquals(Optional.of(SECRET_32), c.auth().secret());
    assertTrue(c.auth().hasKey());
  }

  @Test
  void countsSecretLengthInUtf8Bytes() {
    String sixteenChars32Bytes = "é".repeat(16);

    SwitchboardConfig c =
        ConfigReader.read(
            new JsonObject().put("auth", new JsonObject().put("secret", sixteenChars32Bytes)));

    assertEquals(Optional.of(sixteenChars32Bytes), c.auth().secret());
  }

  @Test
  void rejectsAnUnknownAlgorithm() {
    assertRejected(
        "auth.algorithm", new JsonObject().put("auth", new JsonObject().put("algorithm", "HS512")));
  }

  @Test
  void rejectsALowerCaseAlgorithm() {
    assertRejected(
        "auth.algorithm", new JsonObject().put("auth", new JsonObject().put("algorithm", "hs256")));
  }

  @Test
  void rejectsAPublicKeyWithHs256() {
    assertRejected(
        "auth.publicKey",
        new JsonObject()
            .put(
                "auth",
                new JsonObject()
                    .put(
                        "publicKey", "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----")));
  }

  @Test
  void rejectsASecretWithRs256() {
    assertRejected(
        "auth.secret",
        new JsonObject()
            .put("auth", new JsonObject().put("algorithm", "RS256").put("secret", SECRET_32)));
  }

  @Test
  void rejectsAPublicKeyThatIsNotPem() {
    assertRejected(
        "auth.publicKey",
        new JsonObject()
            .put(
                "auth",
                new JsonObject().put("algorithm", "ES256").put("publicKey", "MFkwEwYHKoZIzj0CAQ")));
  }

  @Test
  void rejectsANonBooleanDevFlag() {
    assertRejected("auth.dev", new JsonObject().put("auth", new JsonObject().put("dev", "yes")));
  }

  @Test
  void rejectsAnUnknownChannelKindNamingItsIndex() {
    assertRejected(
        "channels[1].kind", channels(rule("room:*", "broadcast"), rule("chat:*", "fanout")));
  }

  @Test
  void rejectsAMissingChannelKind() {
    assertRejected("channels[0].kind", channels(new JsonObject().put("pattern", "room:*")));
  }

  @Test
  void rejectsAnUnknownJoinAccess() {
    assertRejected("channels[0].join", channels(rule("room:*", "broadcast").put("join", "anyone")));
  }

  @Test
  void rejectsAStarInTheMiddleOfAPattern() {
    assertRejected("channels[0].pattern", channels(rule("room:*:x", "broadcast")));
  }

  @Test
  void rejectsALeadingStarPattern() {
    assertRejected("channels[0].pattern", channels(rule("*:room", "broadcast")));
  }

  @Test
  void rejectsTwoTrailingStars() {
    assertRejected("channels[0].pattern", channels(rule("room:**", "broadcast")));
  }

  @Test
  void rejectsAnEmptyPattern() {
    assertRejected("channels[0].pattern", channels(rule("", "broadcast")));
  }

  @Test
  void rejectsAChannelEntryThatIsNotAnObject() {
    assertRejected("channels[0]", new JsonObject().put("channels", new JsonArray().add("room:*")));
  }

  @Test
  void rejectsChannelsThatAreNotAnArray() {
    assertRejected("channels", new JsonObject().put("channels", new JsonObject()));
  }

  @Test
  void rejectsClientEventsThatAreNotStrings() {
    assertRejected(
        "channels[0].clientEvents",
        channels(
            rule("room:*", "broadcast")
                .put("clientEvents", new JsonArray().add("message").add(1))));
  }

  @Test
  void rejectsZeroMaxChannelsPerSocket() {
    assertRejected(
        "limits.maxChannelsPerSocket",
        new JsonObject().put("limits", new JsonObject().put("maxChannelsPerSocket", 0)));
  }

  @Test
  void rejectsAnIdleTimeoutBelow100Ms() {
    assertRejected(
        "limits.idleTimeoutMs",
        new JsonObject().put("limits", new JsonObject().put("idleTimeoutMs", 99)));
  }

  @Test
  void rejectsAMaxTopicLengthAbove255() {
    assertRejected(
        "limits.maxTopicLength",
        new JsonObject().put("limits", new JsonObject().put("maxTopicLength", 256)));
  }

  @Test
  void rejectsAllowedOriginsThatAreNotAList() {
    assertRejected(
        "http.allowedOrigins",
        new JsonObject().put("http", new JsonObject().put("allowedOrigins", 1)));
  }

  // --- unknown keys ---

  /**
   * Reads {@code json}, expects it refused for the unknown {@code key}, and returns the message.
   */
  private static String assertUnknown(String key, JsonObject json) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigReader.read(json));
    assertTrue(
        e.getMessage().startsWith("config key '" + key + "': unknown key; "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void anUnknownTopLevelKeyIsRefusedListingTheSections() {
    String message =
        assertUnknown(
            "limit",
            new JsonObject().put("limit", new JsonObject().put("maxChannelsPerSocket", 5)));

    assertTrue(
        message.contains(
            "the top-level keys are node, http, metrics, auth, limits, rateLimit, compression, "
                + "api, bridge, presence, history, channels"),
        message);
  }

  @Test
  void anUnknownKeyInASectionIsRefusedListingItsKeys() {
    String message =
        assertUnknown(
            "limits.maxChanelsPerSocket",
            new JsonObject().put("limits", new JsonObject().put("maxChanelsPerSocket", 5)));

    assertTrue(
        message.contains("the keys of 'limits' are maxChannelsPerSocket, maxTopicLength,"),
        message);
  }

  @Test
  void everySectionOfTheShippedFileRefusesAnUnknownKey() throws IOException {
    JsonObject shipped = shippedJson();
    for (String section : shipped.fieldNames()) {
      if (shipped.getValue(section) instanceof JsonObject) {
        JsonObject json = shippedJson();
        json.getJsonObject(section).put("typo", 1);
        assertUnknown(section + ".typo", json);
      }
    }
  }

  @Test
  void anUnknownKeyInAChannelEntryIsRefusedNamingItsIndex() throws IOException {
    JsonObject json = shippedJson();
    json.getJsonArray("channels").getJsonObject(2).put("compresAboveBytes", 1024);

    String message = assertUnknown("channels[2].compresAboveBytes", json);

    assertTrue(
        message.contains(
            "the keys of 'channels[2]' are pattern, kind, join, clientEvents, compressAboveBytes"),
        message);
  }

  @Test
  void anUnknownKeyWithANullValueIsStillRefused() {
    assertUnknown("http.hots", new JsonObject().put("http", new JsonObject().putNull("hots")));
  }

  @Test
  void everyEnvironmentOverrideSetsAKeyTheReaderKnows() {
    // A value that is wrong for most keys: the read may fail, but only on the override's own key,
    // never as unknown.
    ConfigReader.ENV_KEYS.forEach(
        (variable, key) -> {
          try {
            ConfigReader.read(new JsonObject(), Map.of(variable, "1"));
          } catch (ConfigException e) {
            assertTrue(
                e.getMessage().startsWith("config key '" + key + "': "),
                variable + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("unknown key"), variable + ": " + e.getMessage());
          }
        });
  }

  // --- per-rule rate budget ---

  private static JsonObject withBudget(JsonObject budget) {
    return channels(rule("stream:*", "stream").put("rateLimit", budget));
  }

  @Test
  void aRuleReadsItsOwnRateBudget() {
    ChannelRule rule =
        ConfigReader.read(
                withBudget(new JsonObject().put("messagesPerSecond", 500).put("burst", 50)))
            .channels()
            .get(0);

    assertEquals(Optional.of(new ChannelRule.RateBudget(500, 50)), rule.options().rateLimit());
  }

  @Test
  void theShippedStreamRuleCanFillItsBufferWithinItsOwnBudget() throws IOException {
    ChannelRule stream = ConfigReader.read(shippedJson()).ruleFor("stream:x").orElseThrow();
    ChannelRule.RateBudget budget = stream.options().rateLimit().orElseThrow();

    assertTrue(budget.burst() >= stream.options().streamBufferMax(), budget.toString());
    assertEquals(
        Optional.empty(),
        ConfigReader.read(shippedJson()).ruleFor("room:x").orElseThrow().options().rateLimit());
  }

  @Test
  void theSocketWideRateLimitGivesItsBudget() {
    assertEquals(
        new ChannelRule.RateBudget(100, 200),
        ConfigReader.read(new JsonObject()).rateLimit().budget());
  }

  @Test
  void aRuleBudgetNeedsBothKeys() {
    assertRejected(
        "channels[0].rateLimit.burst", withBudget(new JsonObject().put("messagesPerSecond", 500)));
    assertRejected(
        "channels[0].rateLimit.messagesPerSecond", withBudget(new JsonObject().put("burst", 500)));
    assertRejected("channels[0].rateLimit.messagesPerSecond", withBudget(new JsonObject()));
  }

  @Test
  void aRuleBudgetHasTheSocketWideBounds() {
    assertRejected(
        "channels[0].rateLimit.messagesPerSecond",
        withBudget(new JsonObject().put("messagesPerSecond", 0).put("burst", 1)));
    assertRejected(
        "channels[0].rateLimit.messagesPerSecond",
        withBudget(new JsonObject().put("messagesPerSecond", 1_000_001).put("burst", 1)));
    assertRejected(
        "channels[0].rateLimit.burst",
        withBudget(new JsonObject().put("messagesPerSecond", 1).put("burst", 10_000_001)));
    assertRejected(
        "rateLimit.messagesPerSecond",
        new JsonObject().put("rateLimit", new JsonObject().put("messagesPerSecond", 1_000_001)));
  }

  @Test
  void aRuleBudgetThatIsNotAnObjectIsRefused() {
    assertRejected(
        "channels[0].rateLimit", channels(rule("stream:*", "stream").put("rateLimit", 1000)));
  }

  @Test
  void aRuleBudgetRefusesUnknownKeys() {
    // closeAfterRejected is socket-wide only: one count over every bucket.
    String message =
        assertUnknown(
            "channels[0].rateLimit.closeAfterRejected",
            withBudget(
                new JsonObject()
                    .put("messagesPerSecond", 1)
                    .put("burst", 1)
                    .put("closeAfterRejected", 5)));

    assertTrue(
        message.contains("the keys of 'channels[0].rateLimit' are messagesPerSecond, burst"),
        message);
  }

  // --- ruleFor and ChannelRule ---

  @Test
  void ruleForPicksTheFirstMatchingRuleInConfigOrder() {
    SwitchboardConfig c =
        ConfigReader.read(
            channels(
                rule("room:lobby", "server-push"),
                rule("room:*", "broadcast"),
                rule("room:lobby", "ingest")));

    assertEquals(ChannelKind.SERVER_PUSH, c.ruleFor("room:lobby").orElseThrow().kind());
    assertEquals(ChannelKind.BROADCAST, c.ruleFor("room:other").orElseThrow().kind());
  }

  @Test
  void ruleForShadowsLaterRulesWithAnEarlierPrefix() {
    SwitchboardConfig c =
        ConfigReader.read(channels(rule("room:*", "broadcast"), rule("room:lobby", "server-push")));

    assertEquals("room:*", c.ruleFor("room:lobby").orElseThrow().pattern());
  }

  @Test
  void ruleForIsEmptyWhenNoRuleMatches() throws IOException {
    SwitchboardConfig c = ConfigReader.read(shippedJson());

    assertEquals(Optional.empty(), c.ruleFor("lobby"));
    assertEquals(Optional.empty(), c.ruleFor("rooms:1"));
    assertEquals(Optional.empty(), c.ruleFor("phoenix"));
  }

  @Test
  void ruleForOnTheShippedConfigMapsEachPrefix() throws IOException {
    SwitchboardConfig c = ConfigReader.read(shippedJson());

    assertEquals("room:*", c.ruleFor("room:42").orElseThrow().pattern());
    assertEquals("chat:*", c.ruleFor("chat:a:b").orElseThrow().pattern());
    assertEquals(ChannelKind.SERVER_PUSH, c.ruleFor("notifications:user-1").orElseThrow().kind());
    assertEquals(ChannelKind.INGEST, c.ruleFor("analytics:clicks").orElseThrow().kind());
  }

  @Test
  void prefixPatternMatchesOnlyTopicsStartingWithItsPrefix() {
    ChannelRule r =
        new ChannelRule("room:*", ChannelKind.BROADCAST, JoinAccess.AUTHENTICATED, Set.of());

    assertTrue(r.matches("room:1"));
    assertTrue(r.matches("room:"));
    assertTrue(r.matches("room:a:b"));
    assertFalse(r.matches("room"));
    assertFalse(r.matches("rooms:1"));
    assertFalse(r.matches("chat:room:1"));
    assertFalse(r.matches("ROOM:1"));
  }

  @Test
  void exactPatternMatchesOnlyTheExactTopic() {
    ChannelRule r =
        new ChannelRule("room:lobby", ChannelKind.BROADCAST, JoinAccess.AUTHENTICATED, Set.of());

    assertTrue(r.matches("room:lobby"));
    assertFalse(r.matches("room:lobby2"));
    assertFalse(r.matches("room:lobb"));
    assertFalse(r.matches("xroom:lobby"));
  }

  @Test
  void aLoneStarPatternMatchesEveryTopic() {
    SwitchboardConfig c = ConfigReader.read(channels(rule("*", "ingest")));

    assertTrue(c.ruleFor("anything:at:all").isPresent());
    assertTrue(c.ruleFor("").isPresent());
  }

  @Test
  void starClientEventsAcceptAnyEvent() {
    ChannelRule r =
        new ChannelRule("a:*", ChannelKind.INGEST, JoinAccess.AUTHENTICATED, Set.of("*"));

    assertTrue(r.acceptsClientEvent("click"));
    assertTrue(r.acceptsClientEvent("message"));
    assertTrue(r.acceptsClientEvent(""));
  }

  @Test
  void listedClientEventsAcceptOnlyThoseEvents() {
    ChannelRule r =
        new ChannelRule(
            "room:*", ChannelKind.BROADCAST, JoinAccess.AUTHENTICATED, Set.of("message", "shout"));

    assertTrue(r.acceptsClientEvent("message"));
    assertTrue(r.acceptsClientEvent("shout"));
    assertFalse(r.acceptsClientEvent("typing"));
    assertFalse(r.acceptsClientEvent("Message"));
    assertFalse(r.acceptsClientEvent("*"));
  }

  @Test
  void emptyClientEventsAcceptNothing() {
    ChannelRule r = new ChannelRule("n:*", ChannelKind.SERVER_PUSH, JoinAccess.OWN, Set.of());

    assertFalse(r.acceptsClientEvent("message"));
  }

  @Test
  void clientEventsFromAConfigStringAreSplitOnCommas() {
    SwitchboardConfig c =
        ConfigReader.read(channels(rule("room:*", "broadcast").put("clientEvents", "a, b,,c")));

    assertEquals(Set.of("a", "b", "c"), c.channels().get(0).clientEvents());
  }

  @Test
  void rolesDefaultToAllAndExpandEdgeAndCore() {
    assertEquals(EnumSet.allOf(NodeRole.class), ConfigReader.read(new JsonObject()).node().roles());
    assertEquals(
        EnumSet.of(NodeRole.SOCKETS, NodeRole.METRICS),
        ConfigReader.read(new JsonObject(), Map.of("SWITCHBOARD_ROLES", "edge")).node().roles());
    assertEquals(
        EnumSet.of(NodeRole.ROUTING, NodeRole.BATCHING, NodeRole.METRICS),
        ConfigReader.read(
                new JsonObject()
                    .put("node", new JsonObject().put("roles", new JsonArray().add("core"))))
            .node()
            .roles());
    assertEquals(
        EnumSet.of(NodeRole.SOCKETS, NodeRole.ROUTING),
        ConfigReader.read(new JsonObject(), Map.of("SWITCHBOARD_ROLES", "sockets, routing"))
            .node()
            .roles());
  }

  @Test
  void unknownRoleNamesTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigReader.read(new JsonObject(), Map.of("SWITCHBOARD_ROLES", "edge,frontend")));
    assertTrue(e.getMessage().startsWith("config key 'node.roles': "), e.getMessage());
    assertTrue(e.getMessage().contains("frontend"));
  }

  @Test
  void drainDefaultsFollowPhoenix() {
    SwitchboardConfig.Node node = ConfigReader.read(new JsonObject()).node();
    assertEquals(10_000, node.drainBatchSize());
    assertEquals(2_000, node.drainIntervalMs());
  }
}
