package io.switchboard.history;

import java.util.List;

/**
 * What a read of a topic's history found.
 *
 * @param head the stream's epoch and its last offset now
 * @param firstKept the oldest offset still kept ({@code head.offset() + 1} when none is)
 * @param entries the kept broadcasts after the asked offset, oldest first, at most the asked limit
 */
public record HistorySlice(StreamPosition head, long firstKept, List<HistoryEntry> entries) {

  /**
   * Whether every broadcast of {@code epoch} after {@code offset} is still kept, so a client at
   * that position can be brought up to date with nothing missing.
   */
  public boolean reaches(String epoch, long offset) {
    return head.epoch().equals(epoch) && offset <= head.offset() && offset >= firstKept - 1;
  }
}
