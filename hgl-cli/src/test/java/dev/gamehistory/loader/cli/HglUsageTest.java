package dev.gamehistory.loader.cli;

import static dev.gamehistory.loader.cli.HglRunner.hgl;
import static dev.gamehistory.loader.cli.HglRunner.hglWithEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input: every case exits with 2 and prints exactly one line on stderr naming the culprit and
 * the value, nothing on stdout, and no stack trace unless {@code --verbose}.
 */
class HglUsageTest {

  private static final String NL = System.lineSeparator();

  @TempDir
  Path dir;

  private static void assertUsage(HglRunner.Result result, String line) {
    assertThat(result.err()).isEqualTo(line + NL);
    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_USAGE);
    assertThat(result.out()).isEmpty();
  }

  @Test
  void load_unknownOption() {
    assertUsage(hgl("load", "--playrs", "5"),
        "hgl: unknown option '--playrs'; did you mean --players?; see 'hgl load --help'");
  }

  @Test
  void hgl_unknownCommand() {
    assertUsage(hgl("lod"),
        "hgl: unknown command 'lod'; one of load, backfill, seed, explain, bench, compare; see 'hgl --help'");
  }

  @Test
  void load_unexpectedArgument() {
    assertUsage(hgl("load", "extra"), "hgl: unexpected argument 'extra'; see 'hgl load --help'");
  }

  @Test
  void load_optionWithoutValue() {
    assertUsage(hgl("load", "--format"),
        "hgl: missing required parameter for option '--format' (text|json); see 'hgl load --help'");
  }

  @Test
  void load_unknownKey() {
    assertUsage(hgl("load", "--set", "chunk-sise=5"),
        "hgl: chunk-sise (--set): unknown setting; did you mean 'chunk-size'?");
  }

  @Test
  void load_setWithoutEquals() {
    assertUsage(hgl("load", "--set", "chunk-size"), "hgl: --set: expected KEY=VALUE; got 'chunk-size'");
  }

  @Test
  void load_badDuration() {
    assertUsage(hgl("load", "--set", "deadline=5x"),
        "hgl: deadline (--set): not a duration (use 500ms, 30s, 2m or ISO-8601 like PT30S); got '5x'");
  }

  @Test
  void load_chunkSizeZero() {
    assertUsage(hgl("load", "--set", "strategy=chunked", "--set", "chunk-size=0"),
        "hgl: chunk-size (--set): must be an integer between 1 and 10000; got '0'");
  }

  @Test
  void load_unknownStrategy() {
    assertUsage(hgl("load", "--set", "strategy=fast"),
        "hgl: strategy (--set): unknown strategy; got 'fast'; allowed: batch, chunked, per-player, adaptive");
  }

  @Test
  void load_unknownBackend() {
    assertUsage(hgl("load", "--set", "backend=mysql"),
        "hgl: backend (--set): unknown backend; got 'mysql'; allowed: in-memory, bigquery");
  }

  @Test
  void load_backendNotOnTheClassPath_namesTheArtifactToAddAndWhereTheValueCameFrom() {
    Thread thread = Thread.currentThread();
    ClassLoader original = thread.getContextClassLoader();
    // The CLI finds backends with ServiceLoader on the context class loader: hide loader-inmemory's provider.
    thread.setContextClassLoader(new ClassLoader(original) {
      @Override
      public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> urls = Collections.list(super.getResources(name));
        urls.removeIf(url -> name.startsWith("META-INF/services/") && url.toString().contains("loader-inmemory"));
        return Collections.enumeration(urls);
      }
    });
    try {
      assertUsage(hgl("load", "--set", "backend=in-memory"), "hgl: backend (--set): no backend 'in-memory' on the"
          + " class path; add dev.gamehistory:loader-inmemory (found: bigquery)");
      assertUsage(hgl("load"), "hgl: backend: no backend 'in-memory' on the class path; add"
          + " dev.gamehistory:loader-inmemory (found: bigquery)");
    } finally {
      thread.setContextClassLoader(original);
    }
  }

  @Test
  void load_unknownEnvironmentVariable() {
    HglRunner.Result result = hglWithEnvironment(Map.of("HGL_CHUNK_SIZ", "5"), "load");
    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_USAGE);
    assertThat(result.err()).startsWith("hgl: HGL_CHUNK_SIZ: unknown setting; ").endsWith(NL);
    assertThat(result.err().lines()).hasSize(1);
  }

  @Test
  void load_badEnvironmentValue() {
    assertUsage(hglWithEnvironment(Map.of("HGL_DEADLINE", "soon"), "load"),
        "hgl: deadline (environment variable HGL_DEADLINE): not a duration (use 500ms, 30s, 2m or ISO-8601 like"
            + " PT30S); got 'soon'");
  }

  @Test
  void load_missingConfigFile() {
    Path missing = dir.resolve("missing.properties");
    assertUsage(hgl("load", "--config", missing.toString()),
        "hgl: --config: cannot read settings file (no such file); got '" + missing + "'");
  }

  @Test
  void load_badValueInConfigFile() throws IOException {
    Path config = dir.resolve("hgl.properties");
    Files.writeString(config, "strategy=chunked\nparallelism=0\n", StandardCharsets.UTF_8);
    assertUsage(hgl("load", "--config", config.toString()),
        "hgl: parallelism (" + config + ":2): must be an integer between 1 and 256; got '0'");
  }

  @Test
  void load_batchInTheSameConfigFileAsAChunkSize_namesBothLines() throws IOException {
    Path config = dir.resolve("hgl.properties");
    Files.writeString(config, "strategy=batch\nchunk-size=50\n", StandardCharsets.UTF_8);
    assertUsage(hgl("load", "--config", config.toString()), "hgl: chunk-size (" + config + ":2): not used by strategy"
        + " 'batch' (" + config + ":1); got '50'; used by chunked and adaptive");
  }

  @Test
  void load_backendRejectingAValue_namesWhereItCameFrom() throws IOException {
    Path config = dir.resolve("hgl.properties");
    Files.writeString(config, "in-memory.seasons=11\n", StandardCharsets.UTF_8);
    assertUsage(hgl("load", "--config", config.toString()),
        "hgl: in-memory.seasons (" + config + ":1): must be a whole number between 1 and 10; got '11'");
  }

  @Test
  void load_badDate() {
    assertUsage(hgl("load", "--date", "2022-13-01"), "hgl: --date: not a date (YYYY-MM-DD); got '2022-13-01'");
  }

  @Test
  void load_playersZero() {
    assertUsage(hgl("load", "--players", "0"), "hgl: --players: must be an integer between 1 and 10000; got '0'");
  }

  @Test
  void load_playersNotANumber() {
    assertUsage(hgl("load", "--players", "many"), "hgl: --players: must be an integer between 1 and 10000; got 'many'");
  }

  @Test
  void load_morePlayersThanTheData() {
    assertUsage(hgl("load", "--players", "5000"), "hgl: --players: the data holds only "
        + LoadCommandTest.LEAGUE_PLAYERS + " players; got '5000'");
  }

  @Test
  void load_playersAndPlayersFile() throws IOException {
    Path file = Files.writeString(dir.resolve("players.txt"), "a\n", StandardCharsets.UTF_8);
    assertUsage(hgl("load", "--players", "5", "--players-file", file.toString()),
        "hgl: --players: not allowed with --players-file (which loads every player in the file); got '5'");
  }

  @Test
  void load_missingPlayersFile() {
    Path missing = dir.resolve("nobody.txt");
    assertUsage(hgl("load", "--players-file", missing.toString()),
        "hgl: --players-file: cannot read the file (no such file); got '" + missing + "'");
  }

  @Test
  void load_emptyPlayersFile() throws IOException {
    Path file = Files.writeString(dir.resolve("empty.txt"), "# nobody\n\n   \n", StandardCharsets.UTF_8);
    assertUsage(hgl("load", "--players-file", file.toString()),
        "hgl: --players-file: no player lookups in the file; got '" + file + "'");
  }

  @Test
  void load_badFormat() {
    assertUsage(hgl("load", "--format", "xml"), "hgl: --format: must be text or json; got 'xml'");
  }

  @Test
  void load_csvWithBadDate() throws IOException {
    Path csv = Files.writeString(dir.resolve("games.csv"),
        "player_lookup,game_date,opponent_team_abbr,points,minutes_played\n"
            + "alice,2022-01-03,BOS,20,30.5\n"
            + "bob,2022-02-30,NYK,11,22.0\n", StandardCharsets.UTF_8);
    HglRunner.Result result = hgl("load", "--set", "in-memory.csv=" + csv);
    assertUsage(result, "hgl: in-memory.csv (--set): " + csv + ":3: game_date is not a date (yyyy-mm-dd); got '2022-02-30'");
  }

  @Test
  void load_csvWithMissingColumn() throws IOException {
    Path csv = Files.writeString(dir.resolve("games.csv"),
        "player_lookup,game_date,points,minutes_played\nalice,2022-01-03,20,30.5\n", StandardCharsets.UTF_8);
    assertUsage(hgl("load", "--set", "in-memory.csv=" + csv),
        "hgl: in-memory.csv (--set): " + csv + ":1: missing column 'opponent_team_abbr'; got 'player_lookup,game_date,points,minutes_played'");
  }

  @Test
  void load_missingCsv() {
    Path csv = dir.resolve("none.csv");
    assertUsage(hgl("load", "--set", "in-memory.csv=" + csv),
        "hgl: in-memory.csv (--set): cannot read the file (NoSuchFileException); got '" + csv + "'");
  }

  @Test
  void load_invalidTableId() {
    assertUsage(hgl("load", "--set", "backend=bigquery", "--set", "bigquery.project=test",
            "--set", "bigquery.table=nba..games"),
        "hgl: bigquery.table (--set): dataset '' must be a BigQuery dataset id (letters, digits and underscores, at most"
            + " 1024 characters); got 'nba..games'");
  }

  @Test
  void load_bigqueryWithoutPlayersFile() {
    assertUsage(hgl("load", "--set", "backend=bigquery", "--set", "bigquery.project=test",
            "--set", "bigquery.host=http://127.0.0.1:9", "--set", "bigquery.table=test.hgl.games"),
        "hgl: --players-file: required with backend=bigquery (hgl lists players only of the in-memory backend);"
            + " got none");
  }

  @Test
  void load_verbosePrintsTheStackTrace() {
    HglRunner.Result result = hgl("load", "--verbose", "--set", "strategy=chunked", "--set", "chunk-size=0");
    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_USAGE);
    assertThat(result.err()).startsWith("hgl: chunk-size (--set): must be an integer between 1 and 10000; got '0'" + NL)
        .contains("dev.gamehistory.loader.settings.LoaderSettingsException", "\tat ");
  }

  @Test
  void bench_zeroRuns() {
    assertUsage(hgl("bench", "--runs", "0"), "hgl: --runs: must be an integer between 1 and 1000; got '0'");
  }

  @Test
  void bench_negativeWarmups() {
    assertUsage(hgl("bench", "--warmups", "-1"), "hgl: --warmups: must be an integer between 0 and 100; got '-1'");
  }

  @Test
  void bench_unknownStrategy() {
    assertUsage(hgl("bench", "--strategies", "batch,fastest"),
        "hgl: --strategies: unknown strategy; got 'fastest'; allowed: batch, chunked[:SIZE], per-player,"
            + " adaptive[:SIZE]");
  }

  @Test
  void bench_chunkSizeZero() {
    assertUsage(hgl("bench", "--strategies", "chunked:0"),
        "hgl: --strategies: the size of 'chunked:0' must be an integer between 1 and 10000; got '0'");
  }

  @Test
  void bench_sizeOnBatch() {
    assertUsage(hgl("bench", "--strategies", "batch:5"),
        "hgl: --strategies: only chunked and adaptive take a size; got 'batch:5'");
  }

  @Test
  void bench_badPlayersCount() {
    assertUsage(hgl("bench", "--players", "118,x"), "hgl: --players: must be an integer between 1 and 10000; got 'x'");
  }

  @Test
  void seed_inMemoryBackend() {
    assertUsage(hgl("seed"),
        "hgl: backend: seed needs backend=bigquery (the in-memory backend builds its rows itself); got 'in-memory'");
  }

  @Test
  void seed_badSeasons() {
    assertUsage(hgl("seed", "--seasons", "11"), "hgl: --seasons: must be an integer between 1 and 10; got '11'");
  }

  @Test
  void seed_csvAndSeed() {
    assertUsage(hgl("seed", "--csv", "games.csv", "--seed", "7"),
        "hgl: --csv: not allowed with --seasons or --seed (those generate a league); got 'games.csv'");
  }

  @Test
  void seed_csvRowWithoutTeam() throws IOException {
    Path csv = Files.writeString(dir.resolve("games.csv"),
        "player_lookup,game_date,opponent_team_abbr,points,minutes_played,team_abbr,game_id\n"
            + "alice,2022-01-03,BOS,20,30.5,NYK,g1\n"
            + "bob,2022-01-04,NYK,11,22.0,,g2\n", StandardCharsets.UTF_8);
    assertUsage(hgl("seed", "--csv", csv.toString(), "--set", "backend=bigquery", "--set", "bigquery.project=test",
            "--set", "bigquery.host=http://127.0.0.1:9", "--set", "bigquery.table=test.hgl.games"),
        "hgl: --csv: " + csv + ": row 2 (bob, 2022-01-04) has no team_abbr, which the table requires; got ''");
  }

  @Test
  void explain_badDate() {
    assertUsage(hgl("explain", "--date", "tomorrow"), "hgl: --date: not a date (YYYY-MM-DD); got 'tomorrow'");
  }
}
