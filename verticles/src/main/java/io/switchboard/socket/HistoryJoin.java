package io.switchboard.socket;

import io.switchboard.broker.EncodedFrame;
import io.switchboard.config.ChannelRule;
import io.switchboard.history.HistoryEntry;
import io.switchboard.history.HistorySlice;
import io.switchboard.history.HistoryStore;
import io.switchboard.history.StreamPosition;
import io.switchboard.metrics.HistoryMeters;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A join of a topic that keeps history: where the stream is, and for a join with {@code {"recover":
 * {"epoch", "offset"}}} what it missed. All or nothing, as Centrifugo: either every broadcast after
 * the client's offset is still kept and at most {@code history.maxReplay} of them are missing, and
 * the client gets them all, in order, before any live one ({@code "recovered": true}); or it gets
 * none ({@code "recovered": false}) and knows to reload.
 *
 * @param head the stream's position the join starts from: the reply's {@code epoch} and {@code
 *     offset}
 * @param recovered null when the join did not ask to recover
 * @param replay the missed broadcasts, encoded for this one client
 */
record HistoryJoin(StreamPosition head, Boolean recovered, List<EncodedFrame> replay) {

  /** What a join's params ask for: no recovery (null), a position, or a reason it is invalid. */
  sealed interface Ask permits Fresh, Recover, Invalid {}

  record Fresh() implements Ask {}

  record Recover(StreamPosition from) implements Ask {}

  record Invalid() implements Ask {}

  private static final Ask FRESH = new Fresh();
  private static final Ask INVALID = new Invalid();

  static Ask ask(Buffer params) {
    Object recover;
    try {
      recover = params.length() == 0 ? null : new JsonObject(params).getValue("recover");
    } catch (DecodeException | ClassCastException e) {
      return FRESH; // not an object: the kind answers that
    }
    if (recover == null) {
      return FRESH;
    }
    if (!(recover instanceof JsonObject r)
        || !(r.getValue("epoch") instanceof String epoch)
        || !(r.getValue("offset") instanceof Number offset)
        || offset.doubleValue() != offset.longValue()
        || offset.longValue() < 0) {
      return INVALID;
    }
    return new Recover(new StreamPosition(epoch, offset.longValue()));
  }

  static Future<HistoryJoin> read(
      HistoryStore store,
      String topic,
      ChannelRule.History policy,
      Ask ask,
      int maxReplay,
      HistoryMeters meters) {
    if (!(ask instanceof Recover r)) {
      return store.head(topic, policy).map(head -> new HistoryJoin(head, null, List.of()));
    }
    return store
        .read(topic, policy, r.from().offset(), maxReplay)
        .map(
            slice -> {
              HistoryJoin join = decide(topic, slice, r.from(), maxReplay);
              meters.recovery(join.recovered(), join.replay().size());
              return join;
            });
  }

  private static HistoryJoin decide(
      String topic, HistorySlice slice, StreamPosition from, int maxReplay) {
    StreamPosition head = slice.head();
    if (!slice.reaches(from.epoch(), from.offset()) || head.offset() - from.offset() > maxReplay) {
      return new HistoryJoin(head, false, List.of());
    }
    List<EncodedFrame> replay = new ArrayList<>(slice.entries().size());
    for (HistoryEntry e : slice.entries()) {
      replay.add(
          EncodedFrame.broadcast(
              topic,
              e.event(),
              e.payload(),
              e.binary(),
              new StreamPosition(head.epoch(), e.offset())));
    }
    return new HistoryJoin(head, true, replay);
  }

  /** The join's ok response: {@code {"epoch", "offset"}}, and {@code "recovered"} if asked. */
  Buffer response() {
    JsonObject json = new JsonObject().put("epoch", head.epoch()).put("offset", head.offset());
    if (recovered != null) {
      json.put("recovered", recovered);
    }
    return json.toBuffer();
  }
}
