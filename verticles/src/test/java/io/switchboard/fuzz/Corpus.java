package io.switchboard.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kept corpus, {@code src/test/resources/fuzz/corpus/}: one file per input that ever found a
 * bug, replayed before the generated ones on every run. A file is
 *
 * <pre>
 * # what it found (one line)
 * &lt;target&gt; &lt;encoding&gt;
 * &lt;the input&gt;
 * </pre>
 *
 * where target is {@code phoenix}, {@code bridge} or {@code api} and encoding is {@code text} (the
 * rest of the file, one trailing newline dropped: a WebSocket text frame; for the API a line {@code
 * METHOD /path} and then the body, sent with the test's API key and its true length) or {@code hex}
 * (raw bytes: whole WebSocket frames or a whole HTTP request, whitespace ignored). An optional
 * third word says what the input must get: {@code reply=<ref>} an answer on that ref (or bridge
 * reply address), {@code close=<code>} that close; without it, an answer or a documented close.
 */
final class Corpus {
  private Corpus() {}

  static List<FuzzInput> load() {
    URL dir = Corpus.class.getResource("/fuzz/corpus");
    if (dir == null) {
      return List.of();
    }
    List<FuzzInput> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".fuzz")).sorted().toList()) {
        out.add(parse(f.getFileName().toString(), Files.readAllBytes(f)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  static FuzzInput parse(String name, byte[] file) {
    String all = new String(file, StandardCharsets.UTF_8);
    int first = all.indexOf('\n');
    int second = all.indexOf('\n', first + 1);
    if (!all.startsWith("#") || first < 0 || second < 0) {
      throw new IllegalArgumentException(name + ": needs a # comment line and a target line");
    }
    String comment = all.substring(1, first).trim();
    String[] head = all.substring(first + 1, second).trim().split("\\s+");
    String body = all.substring(second + 1);
    if (body.endsWith("\n")) {
      body = body.substring(0, body.length() - 1);
    }
    FuzzInput.Target target = FuzzInput.Target.valueOf(head[0].toUpperCase(java.util.Locale.ROOT));
    byte[] bytes;
    if ("hex".equals(head[1])) {
      bytes = HexFormat.of().parseHex(body.replaceAll("\\s", ""));
    } else if (target == FuzzInput.Target.API) {
      int nl = body.indexOf('\n');
      String[] line = (nl < 0 ? body : body.substring(0, nl)).split(" ", 2);
      bytes =
          ApiRequests.request(
              line[0],
              line[1],
              (nl < 0 ? "" : body.substring(nl + 1)).getBytes(StandardCharsets.UTF_8));
    } else {
      bytes = WsWire.text(body);
    }
    Set<Integer> closes =
        target == FuzzInput.Target.API ? ApiRequests.STATUSES : Documented.CLOSE_CODES;
    String expect = head.length > 2 ? head[2] : "";
    FuzzInput.Expect what = FuzzInput.Expect.ANSWERED;
    String reply = null;
    if (expect.startsWith("reply=")) {
      what = FuzzInput.Expect.REPLY;
      reply = expect.substring("reply=".length());
    } else if (expect.startsWith("close=")) {
      what = FuzzInput.Expect.CLOSED;
      closes = Set.of(Integer.parseInt(expect.substring("close=".length())));
    }
    return new FuzzInput("corpus", target, bytes, what, reply, name + " (" + comment + ")", closes);
  }

  /** An input in the corpus format, as raw bytes (hex) so that any input can be saved. */
  static byte[] format(FuzzInput input, String comment) {
    StringBuilder s = new StringBuilder("# ").append(comment).append('\n');
    s.append(input.target().name().toLowerCase(java.util.Locale.ROOT)).append(' ');
    s.append("hex\n").append(HexFormat.of().formatHex(input.bytes()));
    return s.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }
}
