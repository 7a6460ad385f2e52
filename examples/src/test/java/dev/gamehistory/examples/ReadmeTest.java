package dev.gamehistory.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's Java snippets are the code of {@link Quickstart}, {@link RepeatedLoads}, {@link Backtest} and the
 * coordinator's manual-time test ({@code CoordinatorOnManualTimeTest}, which runs with the tests),
 * imports included, and that code runs.
 */
class ReadmeTest {

  private static final Path MODULE = Path.of(System.getProperty("user.dir"));
  private static final Path QUICKSTART = MODULE.resolve("src/main/java/dev/gamehistory/examples/Quickstart.java");
  private static final Path REPEATED = MODULE.resolve("src/main/java/dev/gamehistory/examples/RepeatedLoads.java");
  private static final Path MANUAL_TIME =
      MODULE.resolve("src/test/java/dev/gamehistory/examples/coordinator/CoordinatorOnManualTimeTest.java");
  private static final Path BACKTEST = MODULE.resolve("src/main/java/dev/gamehistory/examples/Backtest.java");
  private static final Path README = MODULE.resolve("../README.md").normalize();

  @Test
  void quickstart_printsEachPlayersGamesAndTheReport() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      Quickstart.main(new String[0]);
    } finally {
      System.setOut(original);
    }

    assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList()).satisfiesExactly(
        line -> assertThat(line).isEqualTo("aaronbrooks: 30 games, last 2022-01-12"),
        line -> assertThat(line).isEqualTo("aarongibson: 28 games, last 2022-01-14"),
        line -> assertThat(line).isEqualTo("adamford: 30 games, last 2021-12-27"),
        line -> assertThat(line).isEqualTo("daniellong: no game in the window"),
        line -> assertThat(line).isEqualTo("nosuchplayer: no game in the window"),
        line -> assertThat(line).matches(
            "adaptive\\(initial-chunk=all, parallelism=4\\): 1 query, 88 rows, 0 retries, 0 splits, 0 fallbacks, \\d+ ms"));
  }

  @Test
  void repeatedLoads_rerunComesFromTheCacheAndASingleCallLoads() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      RepeatedLoads.main(new String[0]);
    } finally {
      System.setOut(original);
    }

    assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "CacheUse[hits=0, shared=0, queried=3] then CacheUse[hits=3, shared=0, queried=0]",
        "adamford: 30 games");
  }

  @Test
  void backtest_printsEachDateInOrderAndTheReport() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      Backtest.main(new String[0]);
    } finally {
      System.setOut(original);
    }

    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(8);
    for (int day = 0; day < 7; day++) {
      assertThat(lines.get(day)).isEqualTo("2022-01-" + (10 + day) + ": 3 loaded, 0 failed");
    }
    assertThat(lines.get(7)).matches("7 dates, 21 pairs \\(0 failed\\), 1 query, \\d+ rows, \\d+ ms");
  }

  @Test
  void readme_holdsTheBacktestExampleVerbatimWithItsImports() throws IOException {
    assertThat(javaFences(Files.readString(README, StandardCharsets.UTF_8))).contains(snippet(BACKTEST));
  }

  @Test
  void readme_holdsTheManualTimeCoordinatorTestVerbatimWithItsImports() throws IOException {
    assertThat(javaFences(Files.readString(README, StandardCharsets.UTF_8))).contains(snippet(MANUAL_TIME));
  }

  @Test
  void readme_holdsTheRepeatedLoadsExampleVerbatimWithItsImports() throws IOException {
    assertThat(javaFences(Files.readString(README, StandardCharsets.UTF_8))).contains(snippet(REPEATED));
  }

  @Test
  void readme_holdsTheQuickstartVerbatimWithItsImports() throws IOException {
    String block = block(QUICKSTART);
    assertThat(block.lines().count()).isBetween(8L, 20L);

    assertThat(README).as("the README at %s", README).exists();
    assertThat(javaFences(Files.readString(README, StandardCharsets.UTF_8)))
        .as("a ```java fence of %s holding exactly the imports of %s, a blank line and the lines between"
            + " // README:begin and // README:end", README, QUICKSTART)
        .contains(snippet(QUICKSTART));
  }

  @Test
  void snippet_startsWithTheFilesImportsThenTheCode() throws IOException {
    String snippet = snippet(QUICKSTART);

    assertThat(snippet).startsWith("import dev.gamehistory.loader.HistoricalGamesLoader;\n")
        .contains("import java.util.Map;\n\nLoaderSettings settings = ");
    assertThat(imports(QUICKSTART).lines()).allMatch(line -> line.startsWith("import "));
  }

  /** A README snippet: the file's import lines, a blank line, then the lines between its markers. */
  static String snippet(Path source) throws IOException {
    return imports(source) + "\n" + block(source);
  }

  /** The import lines of {@code source}, in order, each ending with a newline. */
  static String imports(Path source) throws IOException {
    StringBuilder imports = new StringBuilder();
    for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
      if (line.startsWith("import ")) {
        imports.append(line).append('\n');
      }
    }
    return imports.toString();
  }

  /** The lines between the markers of {@code source}, without the indentation they share. */
  static String block(Path source) throws IOException {
    List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
    int begin = indexOf(lines, "// README:begin", source);
    int end = indexOf(lines, "// README:end", source);
    List<String> body = lines.subList(begin + 1, end);
    int indent = body.stream().filter(line -> !line.isBlank())
        .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
    StringBuilder block = new StringBuilder();
    for (String line : body) {
      block.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return block.toString();
  }

  private static int indexOf(List<String> lines, String marker, Path source) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(marker)) {
        return i;
      }
    }
    throw new AssertionError("no line '" + marker + "' in " + source);
  }

  /** The contents of every ```java fence, each ending with a newline. */
  static List<String> javaFences(String markdown) {
    List<String> fences = new ArrayList<>();
    StringBuilder current = null;
    for (String line : markdown.lines().toList()) {
      if (current == null && line.strip().equals("```java")) {
        current = new StringBuilder();
      } else if (current != null && line.strip().equals("```")) {
        fences.add(current.toString());
        current = null;
      } else if (current != null) {
        current.append(line).append('\n');
      }
    }
    return fences;
  }
}
