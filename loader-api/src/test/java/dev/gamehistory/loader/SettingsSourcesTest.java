package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources.Entry;
import dev.gamehistory.loader.settings.SettingsSources;
import dev.gamehistory.loader.settings.Strategy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsSourcesTest {

  @TempDir
  Path directory;

  @Test
  void resolve_noLayersGivesDefaults() {
    SettingsSources.Resolved resolved = SettingsSources.builder().build().resolve();

    assertThat(resolved.settings()).isEqualTo(LoaderSettings.defaults());
    assertThat(resolved.entries()).containsExactly(
        new Entry("strategy", "adaptive", "default"),
        new Entry("chunk-size", "0", "default"),
        new Entry("parallelism", "4", "default"),
        new Entry("fallback", "", "default"),
        new Entry("query-timeout", "20s", "default"),
        new Entry("query-timeout-per-player", "0s", "default"),
        new Entry("query-timeout-max", "0s", "default"),
        new Entry("deadline", "30s", "default"),
        new Entry("retry.max-attempts", "3", "default"),
        new Entry("retry.initial-backoff", "200ms", "default"),
        new Entry("retry.max-backoff", "5s", "default"),
        new Entry("retry.jitter", "0.5", "default"),
        new Entry("lookback-days", "90", "default"),
        new Entry("max-games", "30", "default"),
        new Entry("cache.enabled", "false", "default"),
        new Entry("cache.maximum-players", "10000", "default"),
        new Entry("cache.expire-after-write", "10m", "default"),
        new Entry("batching.max-delay", "5ms", "default"),
        new Entry("batching.max-players", "500", "default"),
        new Entry("backfill.dates-per-query", "30", "default"),
        new Entry("backfill.pairs-per-query", "10000", "default"),
        new Entry("backfill.deadline", "30m", "default"),
        new Entry("backend", "in-memory", "default"));
    assertThat(resolved.entries()).allMatch(Entry::isDefault);
  }

  @Test
  void resolve_laterLayersWinWithOrigins() {
    SettingsSources sources = SettingsSources.builder()
        .add("file /etc/hgl.properties", Map.of(
            "strategy", "chunked", "chunk-size", "50", "deadline", "PT45S", "backend", "bigquery",
            "bigquery.table", "d.t"))
        .environment(Map.of("HGL_CHUNK_SIZE", "60", "HGL_MAX_GAMES", "20", "HOME", "/root"))
        .add("--set", Map.of("max-games", "25"))
        .build();

    SettingsSources.Resolved resolved = sources.resolve();

    assertThat(resolved.settings().strategy()).isEqualTo(Strategy.chunked(60, 4));
    assertThat(resolved.settings().timeouts().deadline()).isEqualTo(Duration.ofSeconds(45));
    assertThat(resolved.settings().maxGames()).isEqualTo(25);
    assertThat(resolved.entries()).containsExactly(
        new Entry("strategy", "chunked", "file /etc/hgl.properties"),
        new Entry("chunk-size", "60", "environment variable HGL_CHUNK_SIZE"),
        new Entry("parallelism", "4", "default"),
        new Entry("fallback", "", "default"),
        new Entry("query-timeout", "20s", "default"),
        new Entry("query-timeout-per-player", "0s", "default"),
        new Entry("query-timeout-max", "0s", "default"),
        new Entry("deadline", "PT45S", "file /etc/hgl.properties"),
        new Entry("retry.max-attempts", "3", "default"),
        new Entry("retry.initial-backoff", "200ms", "default"),
        new Entry("retry.max-backoff", "5s", "default"),
        new Entry("retry.jitter", "0.5", "default"),
        new Entry("lookback-days", "90", "default"),
        new Entry("max-games", "25", "--set"),
        new Entry("cache.enabled", "false", "default"),
        new Entry("cache.maximum-players", "10000", "default"),
        new Entry("cache.expire-after-write", "10m", "default"),
        new Entry("batching.max-delay", "5ms", "default"),
        new Entry("batching.max-players", "500", "default"),
        new Entry("backfill.dates-per-query", "30", "default"),
        new Entry("backfill.pairs-per-query", "10000", "default"),
        new Entry("backfill.deadline", "30m", "default"),
        new Entry("backend", "bigquery", "file /etc/hgl.properties"),
        new Entry("bigquery.table", "d.t", "file /etc/hgl.properties"));
    assertThat(resolved.entry("max-games")).contains(new Entry("max-games", "25", "--set"));
    assertThat(resolved.entry("bigquery.project")).isEmpty();
  }

  @Test
  void resolve_environmentLayerIsPositional() {
    SettingsSources.Resolved resolved = SettingsSources.builder()
        .environment(Map.of("HGL_MAX_GAMES", "20"))
        .add("file", Map.of("max-games", "21"))
        .build()
        .resolve();

    assertThat(resolved.entry("max-games")).contains(new Entry("max-games", "21", "file"));
  }

  @Test
  void resolve_entriesLeaveOutKeysThatDoNotApply() {
    SettingsSources.Resolved resolved = SettingsSources.builder()
        .add("--set", Map.of("strategy", "batch"))
        .build()
        .resolve();

    assertThat(resolved.entries()).extracting(Entry::key).doesNotContain("chunk-size", "parallelism");
  }

  @Test
  void resolve_entriesShowDefaultsOfEachStage() {
    SettingsSources.Resolved mixed = SettingsSources.builder()
        .add("--set", Map.of("strategy", "batch", "fallback", "chunked, adaptive"))
        .build()
        .resolve();
    SettingsSources.Resolved perPlayerOnly = SettingsSources.builder()
        .add("--set", Map.of("strategy", "per-player"))
        .build()
        .resolve();
    SettingsSources.Resolved overridden = SettingsSources.builder()
        .add("--set", Map.of("strategy", "batch", "fallback", "chunked(chunk-size=5)"))
        .build()
        .resolve();

    assertThat(mixed.entry("chunk-size")).contains(new Entry("chunk-size", "100 for chunked, 0 for adaptive", "default"));
    assertThat(mixed.entry("parallelism")).contains(new Entry("parallelism", "4", "default"));
    assertThat(perPlayerOnly.entry("chunk-size")).isEmpty();
    assertThat(perPlayerOnly.entry("parallelism")).contains(new Entry("parallelism", "4", "default"));
    assertThat(overridden.entry("chunk-size")).isEmpty();
  }

  @Test
  void resolve_entriesShowDerivedMaxBackoff() {
    SettingsSources.Resolved resolved = SettingsSources.builder()
        .add("--set", Map.of("retry.initial-backoff", "8s"))
        .build()
        .resolve();

    assertThat(resolved.entry("retry.max-backoff")).contains(new Entry("retry.max-backoff", "8s", "default"));
  }

  @Test
  void resolve_entryValuesAsGivenButTrimmed() {
    SettingsSources.Resolved resolved = SettingsSources.builder()
        .add("file", Map.of("query-timeout", " pt5s "))
        .build()
        .resolve();

    assertThat(resolved.entry("query-timeout")).contains(new Entry("query-timeout", "pt5s", "file"));
  }

  @Test
  void resolve_failsLikeFromMap() {
    SettingsSources sources = SettingsSources.builder()
        .add("file", Map.of("strategy", "batch"))
        .add("--set", Map.of("parallelism", "3"))
        .build();

    assertThatThrownBy(sources::resolve)
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("parallelism (--set): not used by strategy 'batch' (file); got '3'; used by chunked, per-player"
            + " and adaptive");
  }

  @Test
  void resolve_unknownVariable() {
    SettingsSources sources = SettingsSources.builder().environment(Map.of("HGL_STRATEGI", "batch")).build();

    assertThatThrownBy(sources::resolve)
        .hasMessage("HGL_STRATEGI: unknown setting; did you mean 'HGL_STRATEGY' (strategy)?");
  }

  @Test
  void resolve_sameAsFromMapWithEnvironment() {
    Map<String, String> values = Map.of("strategy", "chunked", "chunk-size", "30", "retry.jitter", "0.1");
    Map<String, String> environment = Map.of("HGL_PARALLELISM", "9", "HGL_RETRY_JITTER", "0.2");

    assertThat(SettingsSources.builder().add("file", values).environment(environment).build().resolve().settings())
        .isEqualTo(LoaderSettings.fromMap(values, environment));
  }

  @Test
  void build_copiesLayers() {
    Map<String, String> values = new HashMap<>(Map.of("max-games", "10"));
    SettingsSources sources = SettingsSources.builder().add("file", values).build();
    values.put("max-games", "11");

    assertThat(sources.resolve().settings().maxGames()).isEqualTo(10);
    assertThat(sources.resolve()).isEqualTo(sources.resolve());
  }

  @Test
  void readProperties_utf8WithCommentsAndEscapes() throws IOException {
    Path file = directory.resolve("hgl.properties");
    Files.writeString(file, String.join("\n",
        "# loader settings",
        "strategy = batch",
        "! another comment",
        "bigquery.labels=team=ml,owner=zoë",
        "bigquery.table : p.d.\\",
        "    t",
        "retry.jitter=\\u0030.25",
        ""), StandardCharsets.UTF_8);

    Map<String, String> values = SettingsSources.readProperties(file);

    assertThat(values).containsExactly(
        Map.entry("bigquery.labels", "team=ml,owner=zoë"),
        Map.entry("bigquery.table", "p.d.t"),
        Map.entry("retry.jitter", "0.25"),
        Map.entry("strategy", "batch"));
    assertThat(LoaderSettings.fromMap(values).retry().jitter()).isEqualTo(0.25);
  }

  @Test
  void readProperties_missingFile() {
    Path file = directory.resolve("missing.properties");

    LoaderSettingsException e = catchThrowableOfType(LoaderSettingsException.class,
        () -> SettingsSources.readProperties(file));

    assertThat(e).hasMessage("config: cannot read settings file (no such file); got '" + file + "'");
    assertThat(e.key()).isEqualTo("config");
    assertThat(e.value()).isEqualTo(file.toString());
  }

  @Test
  void readProperties_directory() {
    LoaderSettingsException e = catchThrowableOfType(LoaderSettingsException.class,
        () -> SettingsSources.readProperties(directory));

    assertThat(e).hasMessageStartingWith("config: cannot read settings file (")
        .hasMessageEndingWith("); got '" + directory + "'");
    assertThat(e.key()).isEqualTo("config");
  }

  @Test
  void readProperties_notUtf8() throws IOException {
    Path file = directory.resolve("latin1.properties");
    Files.write(file, "bigquery.labels=owner=zo\u00eb\n".getBytes(StandardCharsets.ISO_8859_1));

    assertThat(catchThrowableOfType(LoaderSettingsException.class, () -> SettingsSources.readProperties(file)))
        .hasMessage("config: cannot read settings file (not UTF-8 text); got '" + file + "'");
  }

  @Test
  void readProperties_malformedEscape() throws IOException {
    Path file = directory.resolve("bad.properties");
    Files.writeString(file, "strategy=\\u00zz\n");

    assertThat(catchThrowableOfType(LoaderSettingsException.class, () -> SettingsSources.readProperties(file)))
        .hasMessage("config: cannot read settings file (malformed properties: Malformed \\uxxxx encoding.); got '"
            + file + "'");
  }

  @Test
  void knownKeys_describeEveryEntryKey() {
    SettingsSources.Resolved resolved = SettingsSources.builder()
        .add("--set", Map.of("backend", "bigquery", "bigquery.project", "p", "in-memory.seasons", "2"))
        .build()
        .resolve();

    assertThat(SettingsSources.knownKeys().keySet())
        .containsAll(resolved.entries().stream().map(Entry::key).toList());
    assertThat(List.copyOf(SettingsSources.knownKeys().keySet()))
        .containsSubsequence(resolved.entries().stream().map(Entry::key).toList());
  }
}
