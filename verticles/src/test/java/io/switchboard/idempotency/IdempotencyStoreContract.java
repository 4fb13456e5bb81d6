package io.switchboard.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IdempotencyStore} promises (see its javadoc); run against memory and a real
 * two-member Hazelcast cluster.
 */
abstract class IdempotencyStoreContract {
  static final long WINDOW_SECONDS = 120;

  /** A store with this window (a new view of the same keys on each call). */
  protected abstract IdempotencyStore store(long windowSeconds);

  /** Another view of the same keys (another member), or the same store on a single node. */
  protected abstract IdempotencyStore peer(long windowSeconds);

  static String key() {
    return "room:x\u0000api\u0000" + UUID.randomUUID();
  }

  @Test
  void theFirstClaimWinsAndRepeatsFromAnyMemberLose() {
    String k = key();
    assertTrue(Await.result(store(WINDOW_SECONDS).claim(k)));
    assertFalse(Await.result(store(WINDOW_SECONDS).claim(k)));
    assertFalse(Await.result(peer(WINDOW_SECONDS).claim(k)));
    assertTrue(Await.result(peer(WINDOW_SECONDS).claim(key())), "another key is its own");
  }

  @Test
  void ofClaimsRacingOnBothMembersExactlyOneWins() {
    IdempotencyStore a = store(WINDOW_SECONDS);
    IdempotencyStore b = peer(WINDOW_SECONDS);
    List<String> keys = new ArrayList<>();
    List<Future<Boolean>> claims = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String k = key();
      keys.add(k);
      for (int j = 0; j < 3; j++) {
        claims.add(a.claim(k));
        claims.add(b.claim(k));
      }
    }
    for (int i = 0; i < keys.size(); i++) {
      int won = 0;
      for (int j = 0; j < 6; j++) {
        won += Await.result(claims.get(i * 6 + j)) ? 1 : 0;
      }
      assertEquals(1, won, keys.get(i));
    }
  }

  @Test
  void aKeyMayBeClaimedAgainOnceItsWindowHasPassed() {
    String k = key();
    assertTrue(Await.result(store(1).claim(k)));
    assertFalse(Await.result(peer(1).claim(k)));
    // A failed claim does not extend the window: some claim succeeds about a second after the
    // first.
    Await.until("the one-second window passed", () -> Await.result(peer(1).claim(k)));
    assertFalse(Await.result(store(1).claim(k)), "claimed again, for a new window");
  }
}
