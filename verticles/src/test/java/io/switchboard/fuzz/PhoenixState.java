package io.switchboard.fuzz;

import java.util.HashMap;
import java.util.Map;

/**
 * What one fuzzing socket has joined, as the server told it (join replies, leaves, {@code
 * phx_close}): the oracle needs it to know which frames must be answered and which are dropped for
 * a stale join_ref.
 */
final class PhoenixState {
  final String user;
  final String home;
  final Map<String, String> joined = new HashMap<>();

  /**
   * Topics whose join state the lane cannot know any more: a join or leave sent with a null ref is
   * answered with a null ref too, which the lane cannot tell apart. Frames on them need only an
   * answer or a documented close.
   */
  final java.util.Set<String> uncertain = new java.util.HashSet<>();

  PhoenixState(String user, String home) {
    this.user = user;
    this.home = home;
  }

  boolean isJoined(String topic) {
    return joined.containsKey(topic);
  }

  /**
   * The join_ref the server holds for {@code topic}, null when not joined (or joined with null).
   */
  String joinRef(String topic) {
    return joined.get(topic);
  }
}
