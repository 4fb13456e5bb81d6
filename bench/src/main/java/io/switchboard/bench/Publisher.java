package io.switchboard.bench;

/**
 * A publishing socket's window: send times of its un-acknowledged pushes, oldest first. Replies
 * come back in push order (Switchboard and the bare server handle a socket's messages strictly in
 * order), so an ack pops the oldest.
 */
final class Publisher {
  final BenchSocket socket;
  final String quotedTopic;
  private final long[] sentAt;
  private int head;
  private int size;
  long ref;

  Publisher(BenchSocket socket, int window) {
    this.socket = socket;
    this.quotedTopic = Frames.quoteTopic(socket.topic);
    this.sentAt = new long[window];
  }

  boolean hasRoom() {
    return size < sentAt.length && !socket.closed;
  }

  int inflight() {
    return size;
  }

  void sent(long nanos) {
    sentAt[(head + size) % sentAt.length] = nanos;
    size++;
  }

  /**
   * Send time of the push this reply answers, or {@link Long#MIN_VALUE} for a reply we were not
   * waiting for.
   */
  long ack() {
    if (size == 0) {
      return Long.MIN_VALUE;
    }
    long t = sentAt[head];
    head = (head + 1) % sentAt.length;
    size--;
    return t;
  }
}
