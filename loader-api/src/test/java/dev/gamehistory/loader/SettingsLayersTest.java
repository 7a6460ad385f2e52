package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources.Entry;
import dev.gamehistory.loader.settings.SettingsSources;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers that override: the top layer wins, a strategy chosen above makes the lower layers' keys
 * it does not use ignored (listed, logged once at WARN), and every message names where the value
 * came from.
 */
class SettingsLayersTest {

  private static final String WARN_PREFIX = "WARN dev.gamehistory.loader.settings - ";

  @TempDir
  Path directory;

  private Path file(String name, String... lines) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  /** What {@code action} logged on stderr (slf4j-simple), and its result. */
  private static <T> Logged<T> logged(Supplier<T> action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      T result = action.get();
      return new Logged<>(result, captured.toString(StandardCharsets.UTF_8).lines().toList());
    } finally {
      System.setErr(original);
    }
  }

  private record Logged<T>(T result, List<String> lines) {}

  @Test
  void resolve_strategyOnTop_ignoresTheLowerLayersChunkSizeAndWarnsOnce() throws IOException {
    Path ops = file("ops.properties", "# operators' defaults", "strategy=chunked", "chunk-size=50", "parallelism=8");
    SettingsSources sources = SettingsSources.builder()
        .file(ops)
        .environment(Map.of())
        .add("--set", Map.of("strategy", "batch"))
        .build();

    Logged<SettingsSources.Resolved> logged = logged(sources::resolve);

    SettingsSources.Resolved resolved = logged.result();
    assertThat(resolved.settings().strategy()).isEqualTo(Strategy.batch());
    assertThat(resolved.entry("strategy")).contains(new Entry("strategy", "batch", "--set"));
    assertThat(resolved.ignored()).containsExactly(
        new Entry("chunk-size", "50", ops + ":3", Optional.of("not used by strategy 'batch' (--set)")),
        new Entry("parallelism", "8", ops + ":4", Optional.of("not used by strategy 'batch' (--set)")));
    assertThat(logged.lines()).hasSize(1);
    assertThat(logged.lines().get(0)).endsWith(WARN_PREFIX + "settings ignored, not used by strategy 'batch' (--set):"
        + " chunk-size=50 (" + ops + ":3), parallelism=8 (" + ops + ":4)");
  }

  @Test
  void resolve_environmentStrategyOverAFile_ignoresTheFilesChunkSize() throws IOException {
    Path ops = file("ops.properties", "chunk-size=50");

    SettingsSources.Resolved resolved = logged(() -> SettingsSources.builder().file(ops)
        .environment(Map.of("HGL_STRATEGY", "batch")).build().resolve()).result();

    assertThat(resolved.settings().strategy()).isEqualTo(Strategy.batch());
    assertThat(resolved.entry("chunk-size")).contains(new Entry("chunk-size", "50", ops + ":1",
        Optional.of("not used by strategy 'batch' (environment variable HGL_STRATEGY)")));
  }

  @Test
  void resolve_fallbackChangedOnTop_ignoresTheChunkSizeOnlyTheOldFallbackUsed() {
    SettingsSources.Resolved resolved = logged(() -> SettingsSources.builder()
        .add("file", Map.of("strategy", "batch", "fallback", "chunked", "chunk-size", "50"))
        .add("--set", Map.of("fallback", "per-player"))
        .build().resolve()).result();

    assertThat(resolved.settings().strategy()).isEqualTo(Strategy.fallback(Strategy.batch(), Strategy.perPlayer(4)));
    assertThat(resolved.entry("chunk-size").flatMap(Entry::ignored))
        .contains("not used by strategy 'batch' (file) nor by fallback 'per-player' (--set)");
  }

  @Test
  void resolve_sameLayerChoosesBatchAndGivesChunkSize_anErrorNamingBoth() throws IOException {
    Path ops = file("ops.properties", "strategy=batch", "chunk-size=50");
    SettingsSources sources = SettingsSources.builder().file(ops).add("--set", Map.of("max-games", "20")).build();

    LoaderSettingsException e = catchThrowableOfType(LoaderSettingsException.class, sources::resolve);

    assertThat(e).hasMessage("chunk-size (" + ops + ":2): not used by strategy 'batch' (" + ops + ":1); got '50';"
        + " used by chunked and adaptive");
    assertThat(e.origin()).isEqualTo(ops + ":2");
  }

  @Test
  void resolve_chunkSizeOnTopOfALowerBatch_anError() {
    SettingsSources sources = SettingsSources.builder()
        .add("file", Map.of("strategy", "batch"))
        .environment(Map.of("HGL_CHUNK_SIZE", "50"))
        .build();

    assertThat(catchThrowableOfType(LoaderSettingsException.class, sources::resolve))
        .hasMessage("chunk-size (environment variable HGL_CHUNK_SIZE): not used by strategy 'batch' (file); got '50';"
            + " used by chunked and adaptive");
  }

  @Test
  void resolve_strategyAndChunkSizeOnTopOverALowerStrategy_theTopsChunkSizeIsUsed() {
    SettingsSources.Resolved resolved = SettingsSources.builder()
        .add("file", Map.of("strategy", "batch"))
        .add("--set", Map.of("strategy", "chunked", "chunk-size", "25"))
        .build().resolve();

    assertThat(resolved.settings().strategy()).isEqualTo(Strategy.chunked(25, 4));
    assertThat(resolved.ignored()).isEmpty();
  }

  @Test
  void resolve_ignoredValueIsNotValidated() {
    SettingsSources.Resolved resolved = logged(() -> SettingsSources.builder()
        .add("file", Map.of("chunk-size", "lots"))
        .add("--set", Map.of("strategy", "per-player"))
        .build().resolve()).result();

    assertThat(resolved.settings().strategy()).isEqualTo(Strategy.perPlayer(4));
    assertThat(resolved.entry("chunk-size").map(Entry::isIgnored)).contains(true);
  }

  @Test
  void resolve_noIgnoredKey_logsNothing() {
    Logged<SettingsSources.Resolved> logged = logged(() -> SettingsSources.builder()
        .add("file", Map.of("strategy", "chunked", "chunk-size", "50"))
        .build().resolve());

    assertThat(logged.lines()).isEmpty();
  }

  @Test
  void resolve_aLowerLayersBadValueThatIsOverridden_isNotAnError() {
    SettingsSources.Resolved resolved = SettingsSources.builder()
        .add("file", Map.of("deadline", "soon"))
        .add("--set", Map.of("deadline", "10s"))
        .build().resolve();

    assertThat(resolved.settings().timeouts().deadline()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void resolve_unknownKeyInAFile_namesTheLine() throws IOException {
    Path ops = file("ops.properties", "strategy=batch", "", "chunk-sise=50");

    assertThat(catchThrowableOfType(LoaderSettingsException.class,
        () -> SettingsSources.builder().file(ops).build().resolve()))
        .hasMessage("chunk-sise (" + ops + ":3): unknown setting; did you mean 'chunk-size'?");
  }

  @Test
  void resolve_badValues_nameWhereTheyCameFrom() throws IOException {
    Path ops = file("ops.properties", "strategy=chunked", "chunk-size=0");

    assertThat(catchThrowableOfType(LoaderSettingsException.class,
        () -> SettingsSources.builder().file(ops).build().resolve()))
        .hasMessage("chunk-size (" + ops + ":2): must be an integer between 1 and 10000; got '0'");
    assertThat(catchThrowableOfType(LoaderSettingsException.class,
        () -> SettingsSources.builder().environment(Map.of("HGL_DEADLINE", "soon")).build().resolve()))
        .hasMessage("deadline (environment variable HGL_DEADLINE): not a duration (use 500ms, 30s, 2m or ISO-8601"
            + " like PT30S); got 'soon'");
    assertThat(catchThrowableOfType(LoaderSettingsException.class,
        () -> SettingsSources.builder().add("--set", Map.of("strategy", "fast")).build().resolve()))
        .hasMessage("strategy (--set): unknown strategy; got 'fast'; allowed: batch, chunked, per-player, adaptive");
    assertThat(catchThrowableOfType(LoaderSettingsException.class,
        () -> SettingsSources.builder().add("--set", Map.of("query-timeout", "10s"))
            .add("-D", Map.of("query-timeout-max", "9s")).build().resolve()))
        .hasMessage("query-timeout-max (-D): must be 0 (no cap) or at least query-timeout (10s, --set); got '9s'");
    assertThat(catchThrowableOfType(LoaderSettingsException.class,
        () -> SettingsSources.builder().addWithOrigins(Map.of("max-games", new SettingsSources.Sourced("0",
            "class path resource [application.properties] - 3:16"))).build().resolve()))
        .hasMessage("max-games (class path resource [application.properties] - 3:16): must be an integer between 1"
            + " and 1000; got '0'");
  }

  @Test
  void file_linesOfContinuedValuesAndComments() throws IOException {
    Path ops = file("ops.properties",
        "# a comment ending in a backslash does not continue \\",
        "strategy = chunked",
        "bigquery.labels = team=ml,\\",
        "    owner=ops",
        "! another comment",
        "chunk-size : 40",
        "max-games 12",
        "max-games=13",
        "backend = bigquery");

    SettingsSources.Resolved resolved = SettingsSources.builder().file(ops).build().resolve();

    assertThat(resolved.entry("strategy")).contains(new Entry("strategy", "chunked", ops + ":2"));
    assertThat(resolved.entry("bigquery.labels")).contains(new Entry("bigquery.labels", "team=ml,owner=ops", ops + ":3"));
    assertThat(resolved.entry("chunk-size")).contains(new Entry("chunk-size", "40", ops + ":6"));
    assertThat(resolved.entry("max-games")).contains(new Entry("max-games", "13", ops + ":8"));
  }

  @Test
  void file_sameValuesAsReadProperties() throws IOException {
    Path ops = file("ops.properties", "strategy=batch", "retry.jitter=\\u0030.25", "bigquery.table : p.d.\\", "  t");

    assertThat(SettingsSources.builder().file(ops).build().resolve().settings())
        .isEqualTo(LoaderSettings.fromMap(SettingsSources.readProperties(ops)));
  }

  @Test
  void withOrigin_namesWhereTheValueABackendRejectedCameFrom() throws IOException {
    Path ops = file("ops.properties", "backend=bigquery", "bigquery.table=nope");
    SettingsSources.Resolved resolved = SettingsSources.builder().file(ops).build().resolve();
    LoaderSettingsException rejected = new LoaderSettingsException("bigquery.table", "nope",
        "bigquery.table: must be project.dataset.table or dataset.table; got 'nope'");

    LoaderSettingsException named = resolved.withOrigin(rejected);

    assertThat(named).hasMessage("bigquery.table (" + ops + ":2): must be project.dataset.table or dataset.table;"
        + " got 'nope'");
    assertThat(named.origin()).isEqualTo(ops + ":2");
    assertThat(named.reason()).isEqualTo("must be project.dataset.table or dataset.table; got 'nope'");
    assertThat(resolved.withOrigin(new LoaderSettingsException("max-games", "0", "max-games: too few")))
        .hasMessage("max-games: too few");
  }

  @Test
  void fromSettings_noProviderOnTheClassPath_namesTheArtifactToAdd() {
    // loader-api's tests have no backend on the class path.
    assertThat(catchThrowableOfType(LoaderSettingsException.class,
        () -> HistoricalGamesLoader.fromSettings(LoaderSettings.defaults())))
        .hasMessage("backend: no backend 'in-memory' on the class path; add dev.gamehistory:loader-inmemory (found: none)");
  }

  @Test
  void unknownBackend_namesTheArtifactToAdd() {
    assertThat(LoaderSettingsException.unknownBackend("in-memory", List.of()))
        .hasMessage("backend: no backend 'in-memory' on the class path; add dev.gamehistory:loader-inmemory"
            + " (found: none)");
    assertThat(LoaderSettingsException.unknownBackend("bigquery", List.of("in-memory")))
        .hasMessage("backend: no backend 'bigquery' on the class path; add dev.gamehistory:loader-bigquery"
            + " (found: in-memory)");
    assertThat(LoaderSettingsException.unknownBackend("mysql", List.of("in-memory", "bigquery")))
        .hasMessage("backend: unknown backend 'mysql'; on the class path: in-memory, bigquery");
  }

  @Test
  void backendKeys_ofAnotherBackend_areKeptButShownAsUnused() {
    SettingsSources.Resolved resolved = SettingsSources.builder()
        .add("--set", Map.of("backend", "in-memory", "bigquery.wait-slice", "0")).build().resolve();

    assertThat(resolved.entry("bigquery.wait-slice")).contains(
        new Entry("bigquery.wait-slice", "0", "--set", Optional.of("not used by backend 'in-memory'")));
  }

  @Test
  void batchingMaxDelay_notShorterThanTheDeadline_isRefusedNamingItsOriginInPropertiesAndInCode() {
    assertThat(catchThrowableOfType(LoaderSettingsException.class, () -> SettingsSources.builder()
            .add("--set", Map.of("deadline", "1s", "batching.max-delay", "2s")).build().resolve()))
        .hasMessage("batching.max-delay (--set): batching.max-delay (2s) must be shorter than deadline (1s)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoaderSettings.builder()
            .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(1)))
            .batching(new BatchingPolicy(Duration.ofSeconds(2), 10)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batching.maxDelay must be shorter than the deadline (PT1S) but was PT2S");
    assertThat(SettingsSources.builder().add("--set", Map.of("deadline", "3ms")).build().resolve().settings()
        .timeouts().deadline()).isEqualTo(Duration.ofMillis(3));
  }
}
