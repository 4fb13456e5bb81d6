package io.switchboard.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.NodeProcess;
import io.switchboard.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar switchboard.jar token ...}: a bad --ttl is refused with a message, never a token
 * without exp.
 */
class TokenCommandIT {

  record Run(int exit, String output) {}

  static Run token(String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(List.of("java", "-jar", NodeProcess.JAR.getPath(), "token"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SWITCHBOARD_JWT_SECRET", TestNode.SECRET);
    Process p = pb.start();
    p.getOutputStream().close();
    String out =
        new String(
            p.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // ends when the JVM does
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "token command still running");
    return new Run(p.exitValue(), out);
  }

  @Test
  void aBadTtlIsRefusedWithAMessage() throws Exception {
    for (String ttl : List.of("0", "-5", "abc")) {
      Run r = token("alice", "--ttl", ttl);
      assertEquals(2, r.exit(), r.output());
      assertTrue(r.output().contains("--ttl must be a positive number"), r.output());
      assertFalse(r.output().contains("Exception"), r.output());
    }
    Run missing = token("alice", "--ttl");
    assertEquals(2, missing.exit(), missing.output());
  }

  @Test
  void aGoodTtlPrintsAToken() throws Exception {
    Run r = token("alice", "--ttl", "60", "--topics", "room:a,,room:b");
    assertEquals(0, r.exit(), r.output());
    String jwt = r.output().trim().lines().reduce((a, b) -> b).orElseThrow();
    String claims =
        new String(
            java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    assertTrue(claims.contains("\"exp\""), claims);
    assertTrue(claims.contains("[\"room:a\",\"room:b\"]"), claims);
  }
}
