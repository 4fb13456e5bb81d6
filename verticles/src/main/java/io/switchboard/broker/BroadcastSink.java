package io.switchboard.broker;

/**
 * Receives encoded broadcasts for the topics it subscribed to; must not block and must not modify
 * the frame.
 */
@FunctionalInterface
public interface BroadcastSink {
  void deliver(String topic, EncodedFrame frame);
}
