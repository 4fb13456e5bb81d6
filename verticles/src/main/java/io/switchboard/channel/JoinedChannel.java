package io.switchboard.channel;

import io.switchboard.config.ChannelRule;

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

  private Object state;

  public JoinedChannel(String joinRef, String topic, ChannelRule rule, ChannelBehaviour behaviour) {
    this.joinRef = joinRef;
    this.topic = topic;
    this.rule = rule;
    this.behaviour = behaviour;
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
