package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's verdict: a steady rise is a leak, noise and a first sample's warm-up are not. */
class SoakTrendTest {
  static final long MB = 1024;

  static List<SoakTrend.Sample> samples(int n, java.util.function.IntToLongFunction heapKb) {
    List<SoakTrend.Sample> s = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      s.add(new SoakTrend.Sample(i, 400 * MB, heapKb.applyAsLong(i), 1_050 + (i % 2) * 15, 40));
    }
    return s;
  }

  @Test
  void noiseAroundALevelIsFlat() {
    SoakTrend t = SoakTrend.of(samples(30, i -> 60 * MB + (i % 3 == 0 ? 3 * MB : -2 * MB)), 1000);
    assertTrue(t.flat(), t.summary());
  }

  @Test
  void aWarmUpInTheFirstSampleIsNotCounted() {
    SoakTrend t = SoakTrend.of(samples(10, i -> i == 0 ? 20 * MB : 60 * MB), 1000);
    assertTrue(t.flat(), t.summary());
  }

  @Test
  void aSteadyRiseIsALeak() {
    // 1 MB a minute for 30 minutes: 30 MB over a 60 MB heap.
    SoakTrend t = SoakTrend.of(samples(31, i -> 60 * MB + i * MB), 1000);
    assertFalse(t.flat(), t.summary());
    assertTrue(t.summary().contains("live heap") && t.summary().contains("RISING"), t.summary());
  }

  @Test
  void descriptorsThatPileUpAreALeak() {
    List<SoakTrend.Sample> s = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      s.add(new SoakTrend.Sample(i, 400 * MB, 60 * MB, 1_000 + i * 10, 40));
    }
    assertFalse(SoakTrend.of(s, 1000).flat());
  }

  @Test
  void tooFewSamplesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SoakTrend.of(samples(2, i -> MB), 1000));
  }
}
