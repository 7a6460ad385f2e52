package dev.gamehistory.loader.cli;

import static dev.gamehistory.loader.cli.HglRunner.hgl;
import static dev.gamehistory.loader.cli.HglRunner.hglWithBackends;
import static dev.gamehistory.loader.cli.LoadCommandTest.LEAGUE;
import static dev.gamehistory.loader.cli.LoadCommandTest.window;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code hgl backfill} on the in-memory backend's default league (seed 42, one season): every
 * (date, player) pair of the slates written exactly once, in date order, each date equal to its
 * game-day load; failures as status lines, never as empty histories; bad input refused before any
 * query.
 */
class BackfillCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NL = System.lineSeparator();
  private static final LocalDate FROM = LocalDate.of(2022, 1, 1);
  private static final LocalDate TO = LocalDate.of(2022, 1, 31);

  @TempDir
  Path dir;

  /** The players with a game on each date from {@code from} to {@code to}, sorted: the default slates. */
  private static SortedMap<LocalDate, List<String>> played(LocalDate from, LocalDate to) {
    SortedMap<LocalDate, TreeSet<String>> players = new TreeMap<>();
    for (GameRow row : LEAGUE.rows()) {
      if (!row.gameDate().isBefore(from) && !row.gameDate().isAfter(to)) {
        players.computeIfAbsent(row.gameDate(), date -> new TreeSet<>()).add(row.playerLookup());
      }
    }
    SortedMap<LocalDate, List<String>> slates = new TreeMap<>();
    players.forEach((date, names) -> slates.put(date, List.copyOf(names)));
    return slates;
  }

  /** The pairs of {@code slates} as {@code date/player} keys, dates in order, players in slate order. */
  private static List<String> pairs(SortedMap<LocalDate, List<String>> slates) {
    List<String> pairs = new ArrayList<>();
    slates.forEach((date, players) -> players.forEach(player -> pairs.add(date + "/" + player)));
    return pairs;
  }

  private static List<JsonNode> jsonLines(String text) {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        try {
          lines.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return lines;
  }

  /**
   * The lines grouped by pair, in the order the pairs first appear; checks that each pair's lines
   * are consecutive and are either its games (ranks 1..games, each line saying how many) or one
   * status line.
   */
  private static Map<String, List<JsonNode>> byPair(List<JsonNode> lines) {
    Map<String, List<JsonNode>> pairs = new LinkedHashMap<>();
    String previous = null;
    for (JsonNode line : lines) {
      String pair = line.path("gameDate").asText() + "/" + line.path("player").asText();
      assertThat(pair.equals(previous) || !pairs.containsKey(pair)).as("lines of %s are consecutive", pair).isTrue();
      pairs.computeIfAbsent(pair, p -> new ArrayList<>()).add(line);
      previous = pair;
    }
    pairs.forEach((pair, group) -> {
      JsonNode first = group.get(0);
      if (first.path("status").asText().equals("FAILED") || first.path("games").asInt() == 0) {
        assertThat(group).as(pair).hasSize(1);
      } else {
        assertThat(group).as(pair).hasSize(first.path("games").asInt());
        for (int i = 0; i < group.size(); i++) {
          assertThat(group.get(i).path("status").asText()).isEqualTo("LOADED");
          assertThat(group.get(i).path("games").asInt()).isEqualTo(group.size());
          assertThat(group.get(i).path("rank").asInt()).isEqualTo(i + 1);
        }
      }
    });
    return pairs;
  }

  /** The pair's lines equal the league's rows in the window before the date: the game-day load. */
  private static void assertHistory(LocalDate date, String player, List<JsonNode> lines) {
    List<GameRow> window = window(player, date);
    if (window.isEmpty()) {
      assertThat(lines).singleElement().satisfies(line -> {
        assertThat(line.path("status").asText()).isEqualTo("LOADED");
        assertThat(line.path("games").asInt()).isZero();
        assertThat(line.has("rank")).isFalse();
      });
      return;
    }
    assertThat(lines).hasSize(Math.min(30, window.size()));
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      GameRow row = window.get(i);
      assertThat(line.path("pastGameDate").asText()).isEqualTo(row.gameDate().toString());
      assertThat(line.path("opponentTeamAbbr").asText()).isEqualTo(row.opponentTeamAbbr());
      assertThat(line.path("points").isNull() ? null : line.path("points").asInt()).isEqualTo(row.points());
      assertThat(line.path("minutesPlayed").isNull() ? null : line.path("minutesPlayed").asText())
          .isEqualTo(row.minutesPlayed() == null ? null : row.minutesPlayed().toPlainString());
      if (i + 1 < window.size()) {
        assertThat(line.path("restDays").asLong())
            .isEqualTo(row.gameDate().toEpochDay() - window.get(i + 1).gameDate().toEpochDay());
      } else {
        assertThat(line.path("restDays").isNull()).isTrue();
      }
    }
  }

  @Test
  void backfill_aMonthToJsonLines_writesEveryPairOnceInDateOrderAsItsGameDayLoad() throws IOException {
    Path out = dir.resolve("january.jsonl");

    HglRunner.Result result = hgl("backfill", "--from", FROM.toString(), "--to", TO.toString(), "--out", out.toString());

    SortedMap<LocalDate, List<String>> slates = played(FROM, TO);
    List<JsonNode> lines = jsonLines(Files.readString(out, StandardCharsets.UTF_8));
    Map<String, List<JsonNode>> pairs = byPair(lines);
    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).matches("hgl backfill: " + slates.size() + " dates, " + pairs(slates).size()
        + " pairs \\(0 failed\\), \\d+ quer(y|ies), [\\d]+ rows, \\d+ ms; " + String.format("%,d", lines.size())
        + " lines written to " + java.util.regex.Pattern.quote(out.toString()) + NL);
    assertThat(new ArrayList<>(pairs.keySet())).containsExactlyElementsOf(pairs(slates));
    slates.forEach((date, players) -> players.forEach(player -> assertHistory(date, player, pairs.get(date + "/" + player))));
  }

  @Test
  void backfill_someDates_equalsHglLoadOfEachDate() throws IOException {
    LocalDate from = LocalDate.of(2022, 3, 1);
    LocalDate to = LocalDate.of(2022, 3, 3);

    HglRunner.Result backfill = hgl("backfill", "--from", from.toString(), "--to", to.toString());

    assertThat(backfill.exitCode()).isEqualTo(Hgl.EXIT_OK);
    Map<String, List<JsonNode>> pairs = byPair(jsonLines(backfill.out()));
    SortedMap<LocalDate, List<String>> slates = played(from, to);
    assertThat(slates).hasSize(3);
    for (Map.Entry<LocalDate, List<String>> slate : slates.entrySet()) {
      Path players = Files.write(dir.resolve(slate.getKey() + ".txt"), slate.getValue(), StandardCharsets.UTF_8);
      HglRunner.Result load = hgl("load", "--date", slate.getKey().toString(), "--players-file", players.toString(),
          "--format", "json");
      assertThat(load.exitCode()).isEqualTo(Hgl.EXIT_OK);
      JsonNode loaded = JSON.readTree(load.out()).path("players");
      for (String player : slate.getValue()) {
        List<JsonNode> lines = pairs.get(slate.getKey() + "/" + player);
        JsonNode games = loaded.path(player).path("games");
        if (games.isEmpty()) {
          assertThat(lines).singleElement().satisfies(line -> assertThat(line.path("games").asInt()).isZero());
          continue;
        }
        assertThat(lines).hasSameSizeAs(games);
        for (int i = 0; i < lines.size(); i++) {
          JsonNode game = games.get(i);
          JsonNode line = lines.get(i);
          assertThat(line.path("pastGameDate")).isEqualTo(game.path("gameDate"));
          for (String field : List.of("opponentTeamAbbr", "points", "minutesPlayed", "rank", "restDays")) {
            assertThat(line.path(field)).as(field).isEqualTo(game.path(field));
          }
        }
      }
    }
  }

  @Test
  void backfill_csv_holdsTheJsonLinesValuesUnderAHeader() {
    String[] range = {"--from", "2021-10-19", "--to", "2021-10-21"}; // the first dates: empty histories too

    HglRunner.Result csv = hgl(concat(new String[] {"backfill", "--format", "csv"}, range));
    HglRunner.Result jsonl = hgl(concat(new String[] {"backfill"}, range));

    assertThat(csv.exitCode()).isEqualTo(Hgl.EXIT_OK);
    List<String> rows = List.of(csv.out().split("\n"));
    assertThat(rows.get(0)).isEqualTo("game_date,player_lookup,status,games,rank,past_game_date,opponent_team_abbr,"
        + "points,minutes_played,rest_days,failure_kind,failure_message");
    List<JsonNode> lines = jsonLines(jsonl.out());
    assertThat(rows).hasSize(lines.size() + 1);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      String expected = String.join(",", line.path("gameDate").asText(), line.path("player").asText(), "LOADED",
          line.path("games").asText(), text(line, "rank"), text(line, "pastGameDate"), text(line, "opponentTeamAbbr"),
          text(line, "points"), text(line, "minutesPlayed"), text(line, "restDays"), "", "");
      assertThat(rows.get(i + 1)).isEqualTo(expected);
    }
    assertThat(rows).anyMatch(row -> row.contains(",LOADED,0,,,,,,,,"));
  }

  private static String text(JsonNode line, String field) {
    return line.path(field).isMissingNode() || line.path(field).isNull() ? "" : line.path(field).asText();
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  @Test
  void backfill_slatesFile_loadsItsPairsInFileOrderAndSkipsRowsOutsideTheDates() throws IOException {
    List<String> players = List.copyOf(LoadCommandTest.PLAYERS);
    Path slates = Files.writeString(dir.resolve("slates.csv"),
        "player_lookup,note,game_date\n"
            + players.get(7) + ",x,2022-01-12\n"
            + "\"" + players.get(2) + "\",\"a, quoted note\",2022-01-12\n"
            + "\n"
            + "nosuchplayer,,2022-01-12\n"
            + players.get(7) + ",again,2022-01-12\n"
            + players.get(5) + ",,2022-01-10\n"
            + players.get(5) + ",,2022-02-10\n", StandardCharsets.UTF_8);

    HglRunner.Result result = hgl("backfill", "--from", "2022-01-01", "--to", "2022-01-31", "--slates",
        slates.toString());

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.err()).startsWith("hgl: --slates: skipped 1 row dated outside 2022-01-01..2022-01-31" + NL
        + "hgl backfill: 2 dates, 4 pairs (0 failed), ");
    Map<String, List<JsonNode>> pairs = byPair(jsonLines(result.out()));
    assertThat(new ArrayList<>(pairs.keySet())).containsExactly("2022-01-10/" + players.get(5),
        "2022-01-12/" + players.get(7), "2022-01-12/" + players.get(2), "2022-01-12/nosuchplayer");
    pairs.forEach((pair, lines) -> {
      String[] parts = pair.split("/");
      assertHistory(LocalDate.parse(parts[0]), parts[1], lines);
    });
  }

  @Test
  void backfill_itsCsvOutputAsSlates_loadsTheSamePairs() throws IOException {
    Path csv = dir.resolve("out.csv");
    HglRunner.Result first = hgl("backfill", "--from", "2022-02-01", "--to", "2022-02-03", "--format", "csv",
        "--out", csv.toString());

    HglRunner.Result again = hgl("backfill", "--from", "2022-02-01", "--to", "2022-02-03", "--format", "csv",
        "--slates", csv.toString());

    assertThat(first.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(again.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(again.out()).isEqualTo(Files.readString(csv, StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "game_date,player_lookup\\n2022-01-12,alice\\n2022-13-01,bob      | 3 | game_date is not a date (YYYY-MM-DD); got '2022-13-01'",
      "game_date,player_lookup\\n2022-01-12,   \\n                      | 2 | player_lookup is blank; got '   '",
      "game_date,player_lookup\\n2022-01-12,alice,extra                 | 2 | expected 2 fields as in the header, found 3; got '2022-01-12,alice,extra'",
      "game_date,player_lookup\\n\"2022-01-12,alice\\n                  | 2 | unterminated quoted field; got '\"2022-01-12,alice'",
      "game_date,player\\n2022-01-12,alice                              | 1 | missing column 'player_lookup' in the header; got 'game_date,player'",
      "''                                                               | 1 | missing header (game_date,player_lookup); got ''"})
  void backfill_slatesFileWithABadRow_namesTheFileLineFieldAndValue(String content, int line, String problem)
      throws IOException {
    Path slates = Files.writeString(dir.resolve("slates.csv"), content.replace("\\n", "\n"), StandardCharsets.UTF_8);
    AtomicInteger backends = new AtomicInteger();

    HglRunner.Result result = hglWithBackends(counting(backends), "backfill", "--from", "2022-01-01", "--to",
        "2022-01-31", "--slates", slates.toString());

    assertUsage(result, "hgl: --slates: " + slates + ":" + line + ": " + problem);
    assertThat(backends).hasValue(0);
  }

  @Test
  void backfill_queriesThatNeverReturn_failEveryPairWithDeadlineAndExit3() {
    LocalDate from = LocalDate.of(2022, 1, 10);
    LocalDate to = LocalDate.of(2022, 1, 16);

    HglRunner.Result result = hglWithBackends(
        settings -> InMemoryGamesQuery.builder().league(LEAGUE).faults(FaultPlan.always(Fault.hang())).build(),
        "backfill", "--from", from.toString(), "--to", to.toString(), "--set", "backfill.deadline=300ms");

    SortedMap<LocalDate, List<String>> slates = played(from, to);
    List<JsonNode> lines = jsonLines(result.out());
    Map<String, List<JsonNode>> pairs = byPair(lines);
    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_INCOMPLETE);
    assertThat(new ArrayList<>(pairs.keySet())).containsExactlyElementsOf(pairs(slates));
    assertThat(lines).allSatisfy(line -> {
      assertThat(line.path("status").asText()).isEqualTo("FAILED");
      assertThat(line.path("kind").asText()).isEqualTo("DEADLINE");
      assertThat(line.path("message").asText()).isNotBlank();
      assertThat(line.has("games")).isFalse();
      assertThat(line.has("rank")).isFalse();
    });
    assertThat(result.err()).startsWith("hgl backfill: " + slates.size() + " dates, " + lines.size() + " pairs ("
        + lines.size() + " failed), ");
  }

  @Test
  void backfill_onePlayerFailing_csvHasAFailedRowForEachOfItsDates() {
    String broken = played(LocalDate.of(2022, 1, 12), LocalDate.of(2022, 1, 12)).get(LocalDate.of(2022, 1, 12)).get(0);
    FaultPlan faults = FaultPlan.builder().on(QuerySelector.containingPlayer(broken), Fault.permanentError()).build();
    String[] args = {"backfill", "--from", "2022-01-12", "--to", "2022-01-13", "--set", "strategy=per-player",
        "--format", "csv"};

    HglRunner.Result result = hglWithBackends(
        settings -> InMemoryGamesQuery.builder().league(LEAGUE).faults(faults).build(), args);

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_INCOMPLETE);
    List<String> failed = List.of(result.out().split("\n")).stream().filter(row -> row.contains(",FAILED,")).toList();
    long dates = played(LocalDate.of(2022, 1, 12), LocalDate.of(2022, 1, 13)).values().stream()
        .filter(players -> players.contains(broken)).count();
    assertThat(failed).hasSize((int) dates).allSatisfy(row -> assertThat(row)
        .matches("2022-01-1[23]," + broken + ",FAILED,,,,,,,,BACKEND,in-memory query #\\d+ .* invalidQuery.*"));
    assertThat(result.out()).doesNotContain(broken + ",LOADED");
    assertThat(result.err()).contains("(" + dates + " failed)");
  }

  @Test
  void backfill_onATerminal_showsProgressOnStderr() {
    HglRunner.Result result = HglRunner.run(new CliContext(Map.of(), true), "backfill", "--from", "2022-01-10",
        "--to", "2022-01-12", "--out", dir.resolve("out.jsonl").toString());

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.err()).startsWith("\rhgl: backfill 0/3 dates, 0 rows, 0 pairs failed, ")
        .containsPattern("\rhgl: backfill 3/3 dates, [\\d,]+ rows, 0 pairs failed, \\d+\\.\\d s, about 0\\.0 s left")
        .containsPattern("\r +\rhgl backfill: 3 dates, ");
  }

  @Test
  void backfill_toBeforeFrom() {
    assertRefused("hgl: --to: must not be before --from (2022-01-31); got '2022-01-01'",
        "backfill", "--from", "2022-01-31", "--to", "2022-01-01");
  }

  @Test
  void backfill_badDate() {
    assertRefused("hgl: --from: not a date (YYYY-MM-DD); got '2022-02-30'",
        "backfill", "--from", "2022-02-30", "--to", "2022-03-01");
  }

  @Test
  void backfill_withoutTo() {
    assertRefused("hgl: missing required option: '--to=YYYY-MM-DD'; see 'hgl backfill --help'",
        "backfill", "--from", "2022-01-01");
  }

  @Test
  void backfill_badFormat() {
    assertRefused("hgl: --format: must be jsonl or csv; got 'parquet'",
        "backfill", "--from", "2022-01-01", "--to", "2022-01-02", "--format", "parquet");
  }

  @Test
  void backfill_missingSlatesFile() {
    Path missing = dir.resolve("nobody.csv");
    assertRefused("hgl: --slates: cannot read the file (no such file); got '" + missing + "'",
        "backfill", "--from", "2022-01-01", "--to", "2022-01-02", "--slates", missing.toString());
  }

  @Test
  void backfill_outInAMissingDirectory() {
    Path out = dir.resolve("no/such/dir/out.jsonl");
    assertRefused("hgl: --out: no such directory " + out.getParent() + "; got '" + out + "'",
        "backfill", "--from", "2022-01-01", "--to", "2022-01-02", "--out", out.toString());
  }

  @Test
  void backfill_badSetting() {
    assertRefused("hgl: backfill.dates-per-query (--set): must be an integer between 1 and 366; got '0'",
        "backfill", "--from", "2022-01-01", "--to", "2022-01-02", "--set", "backfill.dates-per-query=0");
  }

  @Test
  void backfill_noGameInTheDates() {
    assertUsage(hgl("backfill", "--from", "2022-07-01", "--to", "2022-07-31"),
        "hgl: --from: no game was played from 2022-07-01 to 2022-07-31 (in-memory backend); got '2022-07-01'");
  }

  @Test
  void backfill_slatesFileWithoutRowsInTheDates() throws IOException {
    Path slates = Files.writeString(dir.resolve("slates.csv"), "game_date,player_lookup\n2022-03-01,alice\n",
        StandardCharsets.UTF_8);
    assertUsage(hgl("backfill", "--from", "2022-01-01", "--to", "2022-01-31", "--slates", slates.toString()),
        "hgl: --slates: no row dated from 2022-01-01 to 2022-01-31; got '" + slates + "'");
  }

  @Test
  void backfill_windowBeforeTheFirstDate() throws IOException {
    Path slates = Files.writeString(dir.resolve("slates.csv"), "game_date,player_lookup\n0001-01-02,alice\n",
        StandardCharsets.UTF_8);
    assertUsage(hgl("backfill", "--from", "0001-01-01", "--to", "0001-01-31", "--slates", slates.toString()),
        "hgl: --from: the window 0000-10-04 .. 0001-01-02 (gameDate 0001-01-02, lookbackDays 90) must lie within"
            + " 0001-01-01 .. 9999-12-31, the range of a BigQuery DATE; got '0001-01-01'");
  }

  @Test
  void backfill_backendThatCannotListWhoPlayed_asksForSlates() {
    // A backend of one's own that implements only fetch: GamesQuery.playersByDate's default says it cannot list.
    GamesQuery fetchOnly = new GamesQuery() {
      @Override
      public String name() {
        return "fetch-only";
      }

      @Override
      public QueryResult fetch(WindowQuery query, QueryContext context) {
        throw new AssertionError("no query may run");
      }
    };
    assertUsage(hglWithBackends(settings -> fetchOnly, "backfill", "--from", "2022-01-01", "--to", "2022-01-02"),
        "hgl: --slates: required with backend=fetch-only (the backend 'fetch-only' cannot list who played on each"
            + " date); got none");
  }

  @Test
  void backfill_bigqueryUnreachableWithoutSlates_failsInOneLineNamingTheListing() {
    HglRunner.Result result = hgl("backfill", "--from", "2022-01-01", "--to", "2022-01-02", "--set", "backend=bigquery",
        "--set", "bigquery.project=test", "--set", "bigquery.host=http://127.0.0.1:9",
        "--set", "bigquery.table=test.hgl.games");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_ERROR);
    assertThat(result.err()).startsWith("hgl: error: listing who played failed: ").hasLineCount(1);
    assertThat(result.out()).isEmpty();
  }

  /** A usage error before any backend was created. */
  private static void assertRefused(String line, String... args) {
    AtomicInteger backends = new AtomicInteger();
    assertUsage(hglWithBackends(counting(backends), args), line);
    assertThat(backends).hasValue(0);
  }

  private static Function<LoaderSettings, GamesQuery> counting(AtomicInteger backends) {
    return settings -> {
      backends.incrementAndGet();
      return InMemoryGamesQuery.builder().league(LEAGUE).build();
    };
  }

  private static void assertUsage(HglRunner.Result result, String line) {
    assertThat(result.err()).isEqualTo(line + NL);
    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_USAGE);
    assertThat(result.out()).isEmpty();
  }
}
