package io.switchboard.node;

import io.switchboard.auth.TokenVerifier;
import io.switchboard.config.ConfigException;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Vertx;
import io.vertx.launcher.application.VertxApplication;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the fat jar. {@code java -jar switchboard.jar [-cluster] [-conf file]} starts a
 * node; {@code java -jar switchboard.jar token <user> [--topics a,b] [--ttl seconds]} prints a
 * token signed with the configured HS256 secret, so a first try needs no code.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("token")) {
      System.exit(printToken(Arrays.copyOfRange(args, 1, args.length)));
    }
    new VertxApplication(args, new SwitchboardHooks()).launch();
  }

  private static int printToken(String[] args) {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.println(
          "usage: java -jar switchboard.jar token <user id> [--topics t1,t2] [--ttl seconds]");
      return 2;
    }
    String user = args[0];
    List<String> topics = new ArrayList<>();
    int ttl = 3600;
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        System.err.println(args[i] + " needs a value");
        return 2;
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--topics" ->
            Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .forEach(topics::add);
        case "--ttl" -> {
          // A token without exp would be valid forever: the ttl must be a positive number of
          // seconds.
          try {
            ttl = Integer.parseInt(value.trim());
          } catch (NumberFormatException e) {
            ttl = 0;
          }
          if (ttl <= 0) {
            System.err.println("--ttl must be a positive number of seconds, got '" + value + "'");
            return 2;
          }
        }
        default -> {
          System.err.println("unknown option " + args[i]);
          return 2;
        }
      }
    }
    SwitchboardConfig config;
    try {
      config = ConfigLoader.load(null, System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    if (config.auth().secret().isEmpty()) {
      System.err.println(
          "token signs with the HS256 secret: set SWITCHBOARD_JWT_SECRET (32+ bytes) or auth.secret."
              + " In dev mode (SWITCHBOARD_DEV=true) the server prints a token at start instead.");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      System.out.println(
          TokenVerifier.create(vertx, config.auth(), config.auth().secret().get())
              .issue(user, topics, ttl));
      return 0;
    } finally {
      vertx.close();
    }
  }
}
