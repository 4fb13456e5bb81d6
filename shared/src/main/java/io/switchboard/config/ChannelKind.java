package io.switchboard.config;

/** What a channel does with client pushes and who feeds it. */
public enum ChannelKind {
  /** Allowed client events are broadcast to every subscriber of the topic, sender included. */
  BROADCAST("broadcast"),
  /** Only backends publish; client pushes get an error reply. */
  SERVER_PUSH("server-push"),
  /** Client events are acknowledged and forwarded to the ingest address for backends. */
  INGEST("ingest"),
  /**
   * Client events (default {@code add_message}) and backend publishes are collected per topic and broadcast as
   * one {@code batch} event {@code {"messages": [...]}} every {@code batchMaxMessages} or {@code batchMaxDelayMs}.
   */
  BATCH("batch"),
  /**
   * Client {@code data} events fill a per-socket buffer (bounded by {@code streamBufferMax}); {@code flush} hands
   * it to backends on the stream address. At the bound the socket gets {@code throttle}.
   */
  STREAM("stream");

  private final String configName;

  ChannelKind(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  static ChannelKind parse(String name) {
    for (ChannelKind kind : values()) {
      if (kind.configName.equals(name)) {
        return kind;
      }
    }
    return null;
  }
}
