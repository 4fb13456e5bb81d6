package io.switchboard.channel;

import io.switchboard.config.ChannelRule;
import io.switchboard.limits.TokenBucket;

/**
 * One topic one socket has joined: its join_ref, the rule that granted it (so a push never looks
 * the rule up again), the kind's behaviour, and what the kind keeps for this socket. Lives on the
 * socket's event loop.
 */
public final class JoinedChannel {
  private final String joinRef;
  private final String topic;
  private final ChannelRule rule;
  private final ChannelBehaviour behaviour;

  /** The rule's own inbound budget for this socket, or null: the socket-wide one applies. */
  private final TokenBucket rate;

  private Object state;

  public JoinedChannel(
      String joinRef,
      String topic,
      ChannelRule rule,
      ChannelBehaviour behaviour,
      TokenBucket rate) {
    this.joinRef = joinRef;
    this.topic = topic;
    this.rule = rule;
    this.behaviour = behaviour;
    this.rate = rate;
  }

  public String joinRef() {
    return joinRef;
  }

  public String topic() {
    return topic;
  }

  public ChannelRule rule() {
    return rule;
  }

  public ChannelBehaviour behaviour() {
    return behaviour;
  }

  /**
   * The rule's own rate budget for this socket; null when pushes here count against the socket-wide
   * one.
   */
  public TokenBucket rate() {
    return rate;
  }

  /**
   * What the kind keeps for this socket (a stream's buffer), or null; only the kind's behaviour
   * reads it.
   */
  public Object state() {
    return state;
  }

  public void state(Object state) {
    this.state = state;
  }
}
