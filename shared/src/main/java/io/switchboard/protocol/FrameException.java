package io.switchboard.protocol;

/**
 * A frame that could not be decoded. Carries whatever header fields were read before the fault, so
 * the socket can answer with an error reply when it knows the ref and topic, and must close the
 * socket when it does not.
 */
public final class FrameException extends Exception {
  private final String joinRef;
  private final String ref;
  private final String topic;

  public FrameException(String reason, String joinRef, String ref, String topic) {
    super(reason, null, false, false);
    this.joinRef = joinRef;
    this.ref = ref;
    this.topic = topic;
  }

  public FrameException(String reason) {
    this(reason, null, null, null);
  }

  public String reason() {
    return getMessage();
  }

  public String joinRef() {
    return joinRef;
  }

  public String ref() {
    return ref;
  }

  public String topic() {
    return topic;
  }

  /** True when the sender can be answered on the topic with an error reply. */
  public boolean answerable() {
    return ref != null && topic != null;
  }
}
