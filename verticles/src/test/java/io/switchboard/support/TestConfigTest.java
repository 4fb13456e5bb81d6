package io.switchboard.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigReader;
import io.switchboard.config.SwitchboardConfig;
import org.junit.jupiter.api.Test;

/**
 * The builder writes the keys ConfigReader reads: the reader refuses unknown ones, so a wrong name
 * fails here.
 */
class TestConfigTest {

  @Test
  void everySetterWritesAKeyTheReaderKnows() {
    TestConfig cfg = TestConfig.shipped();
    cfg.node().roles("edge");
    cfg.http().port(0).socketInstances(1).allowedOrigins("https://app.example.com");
    cfg.auth().secret(TestNode.SECRET).dev(true);
    cfg.limits()
        .maxChannelsPerSocket(2)
        .maxMessageBytes(4096)
        .idleTimeoutMs(400)
        .maxOutboundBytes(65_536)
        .writeDelayMs(30)
        .maxStreamBufferBytes(4096);
    cfg.rateLimit().messagesPerSecond(1).burst(5).closeAfterRejected(7);
    cfg.compression().permessageDeflate(true).clientNoContextTakeover(false);
    cfg.api().key("k".repeat(16)).maxBodyBytes(4096);
    cfg.channel("room:*").compressAboveBytes(10);
    cfg.channel("batch:*").batchMaxMessages(3).batchMaxDelayMs(20);
    cfg.channel("stream:*").streamBufferMax(3).rateLimit(1, 3);
    cfg.addChannel("vip:*", "broadcast", "claim");

    SwitchboardConfig read = ConfigReader.read(cfg.toJson());
    assertEquals(2, read.limits().maxChannelsPerSocket());
    assertEquals(7, read.rateLimit().closeAfterRejected());
    assertEquals("vip:*", read.channels().get(read.channels().size() - 1).pattern());
  }

  @Test
  void aChannelTheShippedConfigDoesNotHaveFails() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TestConfig.shipped().channel("strem:*"));
    assertTrue(e.getMessage().contains("strem:*"), e.getMessage());
  }
}
