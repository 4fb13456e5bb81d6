package io.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Session tokens name their instance and verify only there, and only untouched. */
class LongPollTokenTest {

  @Test
  void aTokenVerifiesAtItsInstanceOnly() {
    LongPollToken here = new LongPollToken("inst-a");
    String token = here.sign("session-1");
    assertTrue(token.startsWith("lp1.inst-a.session-1."), token);
    assertEquals("inst-a", LongPollToken.instanceOf(token));
    assertEquals("session-1", here.verify(token));
    // Same instance name, another key (a restarted node reusing a name would be the same case).
    assertNull(new LongPollToken("inst-a").verify(token));
    assertNull(new LongPollToken("inst-b").verify(token));
  }

  @Test
  void anyChangeMakesItInvalid() {
    LongPollToken here = new LongPollToken("inst-a");
    String token = here.sign("session-1");
    String mac = token.substring(token.lastIndexOf('.') + 1);
    for (String bad :
        List.of(
            "lp1.inst-a.session-2." + mac,
            "lp1.inst-a.session-1." + mac.substring(1),
            "lp1.inst-a.session-1." + (mac.charAt(0) == 'A' ? 'B' : 'A') + mac.substring(1),
            "lp1.inst-a.session-1.",
            "lp1.inst-a.session-1.!!!",
            "lp1.inst-a." + mac,
            "lp1.inst-a.x.session-1." + mac,
            "lp2.inst-a.session-1." + mac,
            "")) {
      assertNull(here.verify(bad), bad);
    }
  }

  @Test
  void aUsersJwtIsNeverTakenForOne() {
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig";
    assertFalse(LongPollToken.looksLikeOne(jwt));
    assertNull(LongPollToken.instanceOf(jwt));
    assertNull(LongPollToken.instanceOf("lp1.garbage"));
  }
}
