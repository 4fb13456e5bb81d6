package io.switchboard.channel;

import io.switchboard.config.ChannelKind;

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

  private ChannelKinds() {}

  public static ChannelBehaviour behaviour(ChannelKind kind) {
    return switch (kind) {
      case BROADCAST -> BROADCAST;
      case SERVER_PUSH -> SERVER_PUSH;
      case INGEST -> INGEST;
      case BATCH -> BATCH;
      case STREAM -> STREAM;
    };
  }

  /** What a backend publish to a topic no rule serves does: a plain broadcast. */
  public static ChannelBehaviour unmatched() {
    return BROADCAST;
  }
}
