package io.switchboard.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;

/** Debian's chromium for the browser tests (driven by playwright-core); the build installs both. */
public final class Chromium {
  public static final File PATH =
      new File(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));

  private Chromium() {}

  public static String requireInstalled() {
    assertTrue(
        PATH.canExecute(), PATH + " missing: the build installs it (deploy/install-test-deps.sh)");
    return PATH.getPath();
  }
}
