package dev.gamehistory.loader.cli;

import static dev.gamehistory.loader.cli.HglRunner.hgl;
import static dev.gamehistory.loader.cli.HglRunner.hglWithBackends;
import static dev.gamehistory.loader.cli.HglRunner.hglWithEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code hgl load} on the in-memory backend's default league (seed 42, one season), checked against
 * an independent count of the league's rows.
 */
class LoadCommandTest {

  /** The default league, as the in-memory backend generates it. */
  static final League LEAGUE = LeagueGenerator.generate(42, 1);
  /** Players with at least one row, sorted: what {@code --players N} takes from. */
  static final List<String> PLAYERS = List.copyOf(new TreeSet<>(LEAGUE.rows().stream().map(GameRow::playerLookup).toList()));
  /** How many players have a row. */
  static final int LEAGUE_PLAYERS = PLAYERS.size();
  /** The default game date: the league's last date with games. */
  static final LocalDate LAST_DATE = LEAGUE.rows().stream().map(GameRow::gameDate).max(Comparator.naturalOrder()).orElseThrow();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** A player's rows in the 90 days before the date, newest first (ties by the documented key). */
  static List<GameRow> window(String player, LocalDate date) {
    return LEAGUE.rowsOf(player).stream()
        .filter(row -> !row.gameDate().isBefore(date.minusDays(90)) && row.gameDate().isBefore(date))
        .sorted(Comparator.comparing(GameRow::gameDate).reversed().thenComparing(GameRow::opponentTeamAbbr))
        .toList();
  }

  @Test
  void load_defaults() {
    HglRunner.Result result = hgl("load");

    int withGames = 0;
    long games = 0;
    for (String player : PLAYERS.subList(0, 360)) {
      int inWindow = Math.min(30, window(player, LAST_DATE).size());
      games += inWindow;
      withGames += inWindow > 0 ? 1 : 0;
    }
    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).startsWith("hgl load: 360 players on " + LAST_DATE + " (history "
        + LAST_DATE.minusDays(90) + " .. " + LAST_DATE.minusDays(1) + ", up to 30 games each)");
    assertThat(result.out()).contains(
        String.format("  backend   in-memory: generated league (seed 42, 1 season), %,d rows, %d players%n",
            LEAGUE.rows().size(), LEAGUE_PLAYERS),
        "  strategy  adaptive(initial-chunk=all, parallelism=4)",
        "  timeouts  query 20000 ms, deadline 30000 ms",
        "  retries   up to 3 attempts, backoff 200 ms doubling to 5000 ms, jitter 0.5",
        "  players   360 requested: " + withGames + " loaded with games, " + (360 - withGames)
            + " loaded empty (no game in the window), 0 failed",
        String.format("  games     %,d (", games),
        String.format("  queries   1 started (1 succeeded); 0 retries, 0 splits, 0 fallbacks; %,d rows read", games),
        "  time      ",
        "queued / executing / fetching: not reported by the in-memory backend");
    assertThat(result.out()).doesNotContain("failed players", "queries:");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"--set | strategy=batch", "env | BATCH"})
  void load_aStrategyChosenAboveAConfigFileWithAChunkSize_runsIt(String how, String value) throws IOException {
    Path ops = Files.writeString(dir.resolve("ops.properties"), "strategy=chunked\nchunk-size=50\n",
        StandardCharsets.UTF_8);

    HglRunner.Result result = how.equals("env")
        ? hglWithEnvironment(Map.of("HGL_STRATEGY", value), "load", "--config", ops.toString(), "--players", "5")
        : hgl("load", "--config", ops.toString(), "--set", value, "--players", "5");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).contains("  strategy  batch\n");
  }

  @Test
  void load_deadlineAlone_runsWithTheQueryTimeoutFollowingIt() {
    HglRunner.Result result = hgl("load", "--set", "deadline=5s", "--players", "5");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).contains("  timeouts  query 5000 ms, deadline 5000 ms");
  }

  @Test
  void load_jsonWithTheCacheEnabled_reportsWhereThePlayersCameFrom() throws IOException {
    HglRunner.Result result = hgl("load", "--format", "json", "--players", "20", "--set", "cache.enabled=true");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    JsonNode cache = JSON.readTree(result.out()).path("report").path("cache");
    assertThat(cache.path("hits").asInt()).isZero();
    assertThat(cache.path("shared").asInt()).isZero();
    assertThat(cache.path("queried").asInt()).isEqualTo(20);
    assertThat(JSON.readTree(hgl("load", "--format", "json", "--players", "20").out()).path("report").has("cache"))
        .isFalse();
    assertThat(hgl("load", "--players", "20", "--set", "cache.enabled=true").out())
        .contains("  cache     0 from the cache, 0 from another load's query, 20 queried");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "strategy=batch                                | batch                                     | 1",
      "strategy=chunked;chunk-size=50                | chunked(size=50, parallelism=4)           | 3",
      "strategy=per-player                           | per-player(parallelism=4)                 | 120",
      "strategy=adaptive;chunk-size=50               | adaptive(initial-chunk=50, parallelism=4) | 3",
      "strategy=batch;fallback=per-player            | batch -> per-player(parallelism=4)        | 1"})
  void load_jsonForEveryStrategy(String settings, String described, int queries) throws IOException {
    List<String> args = new ArrayList<>(List.of("load", "--format", "json", "--players", "120"));
    for (String setting : settings.split(";")) {
      args.addAll(List.of("--set", setting));
    }
    HglRunner.Result result = hgl(args.toArray(new String[0]));

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.err()).isEmpty();
    JsonNode root = JSON.readTree(result.out());
    assertThat(root.path("request").path("gameDate").asText()).isEqualTo(LAST_DATE.toString());
    assertThat(root.path("request").path("players").asInt()).isEqualTo(120);
    List<String> order = new ArrayList<>();
    root.path("players").fieldNames().forEachRemaining(order::add);
    assertThat(order).containsExactlyElementsOf(PLAYERS.subList(0, 120));
    for (String player : order) {
      JsonNode outcome = root.path("players").path(player);
      assertThat(outcome.path("status").asText()).isEqualTo("LOADED");
      assertGames(player, outcome.path("games"));
    }
    JsonNode report = root.path("report");
    assertThat(report.path("strategy").asText()).isEqualTo(described);
    assertThat(report.path("backend").asText()).isEqualTo("in-memory");
    assertThat(report.path("deadlineMs").asLong()).isEqualTo(30_000);
    assertThat(report.path("queries").asInt()).isEqualTo(queries);
    assertThat(report.path("attempts")).hasSize(queries);
    assertThat(report.path("retries").asInt()).isZero();
    assertThat(report.path("splits").asInt()).isZero();
    assertThat(report.path("fallbacks").asInt()).isZero();
    assertThat(report.path("bytesProcessed").isNull()).isTrue();
    assertThat(report.path("queuedMs").isNull()).isTrue();
    long players = 0;
    long rows = 0;
    for (JsonNode attempt : report.path("attempts")) {
      assertThat(attempt.path("outcome").asText()).isEqualTo("SUCCEEDED");
      assertThat(attempt.path("attempt").asInt()).isEqualTo(1);
      assertThat(attempt.path("cancelled").asBoolean()).isFalse();
      assertThat(attempt.path("error").isNull()).isTrue();
      assertThat(attempt.path("jobId").isNull()).isTrue();
      assertThat(attempt.has("startedAtMs") && attempt.has("durationMs")).isTrue();
      players += attempt.path("players").asInt();
      rows += attempt.path("rows").asLong();
    }
    assertThat(players).isEqualTo(120);
    assertThat(report.path("rows").asLong()).isEqualTo(rows);
  }

  /** The games as JSON equal the league's rows in the window: newest first, ranked, with rest days. */
  private static void assertGames(String player, JsonNode games) {
    List<GameRow> window = window(player, LAST_DATE);
    assertThat(games).hasSize(Math.min(30, window.size()));
    Iterator<JsonNode> it = games.iterator();
    for (int i = 0; it.hasNext(); i++) {
      JsonNode game = it.next();
      GameRow row = window.get(i);
      assertThat(game.path("gameDate").asText()).isEqualTo(row.gameDate().toString());
      assertThat(game.path("opponentTeamAbbr").asText()).isEqualTo(row.opponentTeamAbbr());
      if (row.points() == null) {
        assertThat(game.path("points").isNull()).isTrue();
      } else {
        assertThat(game.path("points").asInt()).isEqualTo(row.points());
      }
      if (row.minutesPlayed() == null) {
        assertThat(game.path("minutesPlayed").isNull()).isTrue();
      } else {
        assertThat(game.path("minutesPlayed").isTextual()).isTrue();
        assertThat(game.path("minutesPlayed").asText()).isEqualTo(row.minutesPlayed().toPlainString());
      }
      assertThat(game.path("rank").asInt()).isEqualTo(i + 1);
      if (i + 1 < window.size()) {
        assertThat(game.path("restDays").asLong())
            .isEqualTo(row.gameDate().toEpochDay() - window.get(i + 1).gameDate().toEpochDay());
      } else {
        assertThat(game.path("restDays").isNull()).isTrue();
      }
    }
  }

  @Test
  void load_playersFileInFileOrder() throws IOException {
    String first = PLAYERS.get(200);
    String second = PLAYERS.get(3);
    Path file = Files.writeString(dir.resolve("slate.txt"),
        "# tonight's slate\n" + first + "\n\n  " + second + "   # a comment\nnosuchplayer\n", StandardCharsets.UTF_8);

    HglRunner.Result result = hgl("load", "--players-file", file.toString(), "--date", "2022-01-15", "--format", "json");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    JsonNode root = JSON.readTree(result.out());
    List<String> order = new ArrayList<>();
    root.path("players").fieldNames().forEachRemaining(order::add);
    assertThat(order).containsExactly(first, second, "nosuchplayer");
    assertThat(root.path("players").path("nosuchplayer").path("status").asText()).isEqualTo("LOADED");
    assertThat(root.path("players").path("nosuchplayer").path("games")).isEmpty();
    assertThat(root.path("players").path(first).path("games"))
        .hasSize(Math.min(30, window(first, LocalDate.of(2022, 1, 15)).size()));
  }

  @Test
  void load_someFailedExitsWith3() throws IOException {
    String broken = PLAYERS.get(1);
    FaultPlan faults = FaultPlan.builder()
        .on(QuerySelector.containingPlayer(broken), Fault.permanentError())
        .build();

    HglRunner.Result text = hglWithBackends(
        settings -> InMemoryGamesQuery.builder().league(LEAGUE).faults(faults).build(),
        "load", "--players", "5", "--set", "strategy=per-player");
    HglRunner.Result json = hglWithBackends(
        settings -> InMemoryGamesQuery.builder().league(LEAGUE).faults(faults).build(),
        "load", "--players", "5", "--set", "strategy=per-player", "--format", "json");

    assertThat(text.exitCode()).isEqualTo(Hgl.EXIT_INCOMPLETE);
    assertThat(text.out()).contains("4 loaded with games, 0 loaded empty (no game in the window), 1 failed",
        "5 started (4 succeeded, 1 failed)", "failed players (1):")
        .containsPattern("  " + broken + "  BACKEND   in-memory query #\\d+ \\(q[\\w-]+\\) failed with injected error:"
            + " invalidQuery");
    assertThat(json.exitCode()).isEqualTo(Hgl.EXIT_INCOMPLETE);
    JsonNode failed = JSON.readTree(json.out()).path("players").path(broken);
    assertThat(failed.path("status").asText()).isEqualTo("FAILED");
    assertThat(failed.has("games")).isFalse();
    assertThat(failed.path("error").path("kind").asText()).isEqualTo("BACKEND");
    assertThat(failed.path("error").path("reason").asText()).isEqualTo("invalidQuery");
    assertThat(failed.path("error").path("retryable").asBoolean()).isFalse();
    assertThat(failed.path("error").path("message").asText()).contains("injected error: invalidQuery");
  }

  @Test
  void load_verboseListsQueriesAndDecisions() {
    HglRunner.Result result = hglWithBackends(
        settings -> InMemoryGamesQuery.builder().league(LEAGUE)
            .faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.transientError()).build()).build(),
        "load", "--players", "8", "--verbose", "--set", "strategy=batch", "--set", "retry.initial-backoff=0ms");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).contains("queries:", "decisions:", "RETRY", "BACKEND: in-memory query #1",
        "2 started (1 succeeded, 1 failed); 1 retry, 0 splits, 0 fallbacks");
  }

  @Test
  void load_environmentSelectsTheStrategy() throws IOException {
    HglRunner.Result result = hglWithEnvironment(Map.of("HGL_STRATEGY", "per-player", "HGL_PARALLELISM", "2"),
        "load", "--players", "6", "--format", "json");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    JsonNode report = JSON.readTree(result.out()).path("report");
    assertThat(report.path("strategy").asText()).isEqualTo("per-player(parallelism=2)");
    assertThat(report.path("queries").asInt()).isEqualTo(6);
  }

  @Test
  void load_progressOnlyOnATerminal() {
    HglRunner.Result terminal = HglRunner.run(new CliContext(Map.of(), true), "load", "--players", "3");
    HglRunner.Result redirected = HglRunner.run(new CliContext(Map.of(), false), "load", "--players", "3");

    assertThat(terminal.err()).startsWith("\rhgl: loading 3 players (adaptive(initial-chunk=all, parallelism=4)) ...")
        .endsWith("\r");
    assertThat(terminal.err().strip()).doesNotContain("\n");
    assertThat(redirected.err()).isEmpty();
    assertThat(terminal.out()).startsWith("hgl load: 3 players on ");
    assertThat(redirected.out()).startsWith("hgl load: 3 players on ");
  }
}
