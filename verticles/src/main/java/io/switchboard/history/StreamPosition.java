package io.switchboard.history;

/**
 * Where a topic's stream is: its epoch (which changes only when the stream was lost) and the offset
 * of its last broadcast (0 before the first). On the wire it is the broadcast frame's ref slot,
 * {@code "<epoch>:<offset>"}: never a bare number, so it cannot equal a ref phoenix.js is waiting
 * on (its heartbeat refs are decimal counters), and phoenix.js hands it to {@code channel.on}
 * callbacks as their second argument.
 */
public record StreamPosition(String epoch, long offset) {

  public String ref() {
    return epoch + ':' + offset;
  }

  public StreamPosition next() {
    return new StreamPosition(epoch, offset + 1);
  }
}
