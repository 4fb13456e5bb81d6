package io.switchboard.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.history.HistoryEntry;
import io.switchboard.history.HistorySlice;
import io.switchboard.history.StreamPosition;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node's release of one history topic's broadcasts: in offset order, each once. */
class OffsetOrderTest {
  final OffsetOrder order = new OffsetOrder("room:o");
  final List<Long> out = new ArrayList<>();

  static EncodedFrame frame(String epoch, long offset) {
    return EncodedFrame.broadcast(
        "room:o", "e", Buffer.buffer("{}"), false, new StreamPosition(epoch, offset));
  }

  int offer(String epoch, long offset) {
    return order.offer(frame(epoch, offset), f -> out.add(f.position().offset()));
  }

  static HistoryEntry entry(long offset) {
    return new HistoryEntry(offset, "e", Buffer.buffer("{}"), false, 0);
  }

  @Test
  void arrivalsBeforeTheStartWaitAndThoseAtOrBeforeTheHeadAreDropped() {
    offer("e1", 4);
    offer("e1", 6);
    offer("e1", 5);
    assertEquals(List.of(), out);
    order.start(new StreamPosition("e1", 4), f -> out.add(f.position().offset()));
    assertEquals(List.of(5L, 6L), out);
  }

  @Test
  void anEarlyOneWaitsForTheMissingOneAndRepeatsAreDropped() {
    order.start(new StreamPosition("e1", 0), f -> out.add(f.position().offset()));
    offer("e1", 1);
    offer("e1", 3);
    assertTrue(order.needsFill());
    offer("e1", 1);
    offer("e1", 2);
    offer("e1", 3);
    assertEquals(List.of(1L, 2L, 3L), out);
    assertFalse(order.needsFill());
  }

  @Test
  void aFillDeliversTheMissingOnesFromTheHistoryThenThoseThatWaited() {
    order.start(new StreamPosition("e1", 0), f -> out.add(f.position().offset()));
    offer("e1", 1);
    offer("e1", 4);
    offer("e1", 6);
    assertTrue(order.needsFill());
    order.askFill();
    assertEquals(1, order.fillAfter());
    assertEquals(5, order.fillLimit(), "up to the last waiting one: every gap");
    assertFalse(order.needsFill(), "asked already");
    HistorySlice slice =
        new HistorySlice(
            new StreamPosition("e1", 6), 1, List.of(entry(2), entry(3), entry(4), entry(5)));
    int lost = order.filled(slice, f -> out.add(f.position().offset()));
    assertEquals(0, lost);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), out);
  }

  @Test
  void whatTheHistoryNoLongerKeepsIsCountedLostAndSkipped() {
    order.start(new StreamPosition("e1", 0), f -> out.add(f.position().offset()));
    offer("e1", 5);
    order.askFill();
    int lost =
        order.filled(
            new HistorySlice(new StreamPosition("e1", 5), 3, List.of(entry(3), entry(4))),
            f -> out.add(f.position().offset()));
    assertEquals(2, lost, "offsets 1 and 2 are gone");
    assertEquals(List.of(3L, 4L, 5L), out);
  }

  @Test
  void aNewEpochStartsOverAtOneAndLateOnesOfTheOldAreDropped() {
    order.start(new StreamPosition("e1", 7), f -> out.add(f.position().offset()));
    offer("e1", 8);
    offer("e2", 2);
    offer("e2", 1);
    offer("e1", 9);
    offer("e2", 3);
    assertEquals(List.of(8L, 1L, 2L, 3L), out);
    assertFalse(order.needsFill(), "the old stream's straggler waits for nothing");
  }

  @Test
  void pastTheBoundTheGapIsGivenUp() {
    order.start(new StreamPosition("e1", 0), f -> out.add(f.position().offset()));
    int lost = 0;
    for (long o = 2; o <= OffsetOrder.MAX_HELD + 2; o++) {
      lost += offer("e1", o);
    }
    assertEquals(1, lost, "offset 1 never came");
    assertEquals(OffsetOrder.MAX_HELD + 1, out.size());
    assertEquals(2L, out.get(0));
  }
}
