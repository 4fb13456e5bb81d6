package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which side of a split serves, as each node's own view decides it (oldest member first). */
class QuorumRuleTest {

  @Test
  void aPausedNodeThatComesBackAloneIsIsolatedWhileTheOtherTwoServe() {
    QuorumRule paused = new QuorumRule(List.of("a", "b", "c"));
    QuorumRule survivor = new QuorumRule(List.of("a", "b", "c"));

    assertTrue(survivor.viewChanged(List.of("a", "b")), "two of three serve");
    assertFalse(paused.viewChanged(List.of("c")), "one of three is isolated");

    // Hazelcast merges c back: both sides see all three again.
    assertTrue(paused.viewChanged(List.of("a", "b", "c")));
    assertTrue(survivor.viewChanged(List.of("a", "b", "c")));
  }

  @Test
  void theSurvivorsOfOneDeathCountThemselvesNotTheDead() {
    QuorumRule rule = new QuorumRule(List.of("a", "b", "c"));
    assertTrue(rule.viewChanged(List.of("b", "c")), "a died");
    assertEquals(List.of("b", "c"), rule.known());
    // Then c dies too: b is half of {b, c} and the older of the two, so it serves.
    assertTrue(rule.viewChanged(List.of("b")));
  }

  @Test
  void ofTwoHalvesOnlyTheOneWithTheOldestMemberServes() {
    List<String> four = List.of("a", "b", "c", "d");
    assertTrue(new QuorumRule(four).viewChanged(List.of("a", "d")));
    assertFalse(new QuorumRule(four).viewChanged(List.of("b", "c")));
    // A two-node cluster: the younger node alone cannot tell a dead peer from a lost one.
    assertFalse(new QuorumRule(List.of("a", "b")).viewChanged(List.of("b")));
  }

  @Test
  void nodesThatAnnouncedTheirLeaveNoLongerCount() {
    QuorumRule rule = new QuorumRule(List.of("a", "b", "c"));
    // a and b drain one after the other: c is left alone, and serves.
    assertTrue(rule.left("a"));
    assertTrue(rule.viewChanged(List.of("b", "c")));
    assertTrue(rule.left("b"));
    assertTrue(rule.viewChanged(List.of("c")));
  }

  @Test
  void anAcceptedSmallerViewServesAndCountsFromThen() {
    QuorumRule rule = new QuorumRule(List.of("a", "b"));
    assertFalse(rule.viewChanged(List.of("b")));
    rule.accept();
    assertTrue(rule.serving());
    assertEquals(List.of("b"), rule.known());
    assertTrue(rule.viewChanged(List.of("b", "e")), "a new member joins the accepted view");
  }

  @Test
  void newMembersJoiningAnIsolatedSideDoNotMakeItAMajority() {
    QuorumRule rule = new QuorumRule(List.of("a", "b", "c"));
    assertFalse(rule.viewChanged(List.of("c", "x", "y")), "only c of a, b, c");
  }
}
