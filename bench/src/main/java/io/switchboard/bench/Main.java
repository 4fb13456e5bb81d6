package io.switchboard.bench;

/**
 * {@code java -jar switchboard-bench.jar <command> [--options]}. Commands: {@code bare-server}
 * (baseline server), {@code idle} and {@code fanout} (load generator), {@code table} (Markdown
 * table of collected results).
 */
public final class Main {
  private Main() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      usage();
      System.exit(2);
    }
    try {
      Args a = new Args(argv, 1);
      switch (argv[0]) {
        case "bare-server" -> BareServer.main(a); // keeps running on Vert.x threads until SIGTERM
        case "idle" -> System.exit(IdleCommand.run(a));
        case "fanout" -> System.exit(FanoutCommand.run(a));
        case "storm" -> System.exit(StormCommand.run(a));
        case "recover" -> System.exit(RecoverCommand.run(a));
        case "soak" -> System.exit(SoakCommand.run(a));
        case "longpoll" -> System.exit(LongPollCommand.run(a));
        case "table" -> System.exit(ResultTable.run(a));
        default -> {
          usage();
          System.exit(2);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
  }

  private static void usage() {
    System.err.println(
        String.join(
            "\n",
            "usage: java -jar switchboard-bench.jar <command> [--options]",
            "  bare-server --port 4100 --mode flush|coalesced [--host 127.0.0.1]",
            "  idle   --url ws://127.0.0.1:4000/socket/websocket --token T --connections N --topics R --pid SERVER_PID",
            "         [--deflate] [--no-heap] [--per-address 10000] [--connect-concurrency 200] [--timeout-seconds 180]",
            "         [--hold-seconds S [--hold-file F]] (keep the sockets open after the report)",
            "  fanout --url ... --token T --subscribers S --topics R --publishers P --rate PUBLISHES_PER_S (0 = max)",
            "         --seconds T --payload-bytes B --pid SERVER_PID [--warmup-seconds 3] [--window 32] [--deflate]",
            "         [--publisher-url URL] (publishers there; --url may list several servers, comma-separated)",
            "  storm  --url URL[,URL...] --jwt-secret S --users N --topic presence:storm --pid PID[,PID...]",
            "         [--heap] [--settle-ms 1000] [--connect-concurrency 200] (distinct users join one topic at once)",
            "         [--topics N] (socket k joins topic + (k % N) instead; N = users: one new topic per socket)",
            "         [--heartbeat-ms 25000] [--timeout-seconds 180]",
            "  recover --url URL --token T [--rounds 50] [--missed 300] [--pid PID]",
            "         [--fill-topics 200 --keep 100 --payload-bytes 100] (rejoin recovery time; heap per kept broadcast)",
            "  soak   --url URL --jwt-secret S --pid PID [--sockets 10000] [--topics 100] [--seconds 1800]",
            "         [--sample-seconds 60] [--churn-per-second 200] [--pushes-per-second 200] (resources must stay flat)",
            "  longpoll --url http://127.0.0.1:4000 --jwt-secret S --pid PID [--sessions 1000] [--broadcasts 100]",
            "         [--rate 50] (long-poll sessions against WebSockets: heap per idle session, CPU per delivery)",
            "  table  --in results.jsonl [--baseline bare-coalesced]",
            "  idle/fanout also take --out results.jsonl --target NAME --scenario NAME, and --client vertx to use",
            "  Vert.x's WebSocket client instead of the built-in raw one (--deflate always uses Vert.x's)"));
  }
}
