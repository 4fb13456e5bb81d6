package io.switchboard.config;

import io.switchboard.protocol.Events;
import java.util.List;

/**
 * What a channel does with client pushes and who feeds it. Each kind carries the client events its
 * rules accept when they list none, so a new kind is one constant here.
 */
public enum ChannelKind {
  /** Allowed client events are broadcast to every subscriber of the topic, sender included. */
  BROADCAST("broadcast", Events.BROADCAST_MESSAGE, Events.BROADCAST_SHOUT),
  /** Only backends publish; client pushes get an error reply. */
  SERVER_PUSH("server-push"),
  /** Client events are acknowledged and forwarded to the ingest address for backends. */
  INGEST("ingest", ChannelRule.ANY_EVENT),
  /**
   * Client events (default {@code add_message}) and backend publishes are collected per topic and
   * broadcast as one {@code batch} event {@code {"messages": [...]}} every {@code batchMaxMessages}
   * or {@code batchMaxDelayMs}.
   */
  BATCH("batch", Events.BATCH_ADD_MESSAGE),
  /**
   * Client {@code data} events fill a per-socket buffer (bounded by {@code streamBufferMax});
   * {@code flush} hands it to backends on the stream address. At the bound the socket gets {@code
   * throttle}.
   */
  STREAM("stream", Events.STREAM_DATA, Events.STREAM_FLUSH),
  /**
   * Supabase realtime-js's Broadcast and Presence (docs/REALTIME.md): {@code broadcast} pushes go
   * to every subscriber (the sender only with {@code config.broadcast.self}), {@code presence}
   * pushes track and untrack. A rule of this kind also opens {@code /realtime/v1/websocket}.
   */
  REALTIME("realtime", Events.BROADCAST, Events.PRESENCE);

  private final String configName;

  @SuppressWarnings("ImmutableEnumChecker") // List.of: immutable, which the checker cannot see
  private final List<String> defaultClientEvents;

  ChannelKind(String configName, String... defaultClientEvents) {
    this.configName = configName;
    this.defaultClientEvents = List.of(defaultClientEvents);
  }

  public String configName() {
    return configName;
  }

  /**
   * The {@code clientEvents} of a rule of this kind that lists none ({@link ChannelRule#ANY_EVENT}
   * = any).
   */
  public List<String> defaultClientEvents() {
    return defaultClientEvents;
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
