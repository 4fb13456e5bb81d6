package io.switchboard.channel;

import io.switchboard.config.ChannelKind;
import io.switchboard.config.ChannelRule;
import java.util.EnumMap;
import java.util.Map;

/**
 * The behaviour of each channel kind. A new kind is a {@link ChannelKind} constant (its config name
 * and defaults), a behaviour class, and its line here: the switch is exhaustive, so the compiler
 * asks for it.
 */
public final class ChannelKinds {
  private static final ChannelBehaviour BROADCAST = new BroadcastChannel();
  private static final ChannelBehaviour SERVER_PUSH = new ServerPushChannel();
  private static final ChannelBehaviour INGEST = new IngestChannel();
  private static final ChannelBehaviour BATCH = new BatchChannel();
  private static final ChannelBehaviour STREAM = new StreamChannel();
  private static final ChannelBehaviour REALTIME = new RealtimeChannel();

  /** The same kinds with presence on: one each, shared like the kinds. */
  private static final Map<ChannelKind, ChannelBehaviour> WITH_PRESENCE =
      new EnumMap<>(ChannelKind.class);

  static {
    for (ChannelKind kind : ChannelKind.values()) {
      WITH_PRESENCE.put(kind, new PresenceChannel(behaviour(kind)));
    }
  }

  private ChannelKinds() {}

  /** What a rule's topics do: its kind's behaviour, with presence when the rule turns it on. */
  public static ChannelBehaviour behaviour(ChannelRule rule) {
    // realtime-js tracks with pushes of its own, never at the join.
    return rule.options().tracksPresence() && rule.kind() != ChannelKind.REALTIME
        ? WITH_PRESENCE.get(rule.kind())
        : behaviour(rule.kind());
  }

  public static ChannelBehaviour behaviour(ChannelKind kind) {
    return switch (kind) {
      case BROADCAST -> BROADCAST;
      case SERVER_PUSH -> SERVER_PUSH;
      case INGEST -> INGEST;
      case BATCH -> BATCH;
      case STREAM -> STREAM;
      case REALTIME -> REALTIME;
    };
  }

  /** What a backend publish to a topic no rule serves does: a plain broadcast. */
  public static ChannelBehaviour unmatched() {
    return BROADCAST;
  }
}
