package io.switchboard.transport;

/** A message a client sent (String for text, a Vert.x Buffer for binary) and when it arrived. */
public record Inbound(Object data, long receivedNanos) {}
