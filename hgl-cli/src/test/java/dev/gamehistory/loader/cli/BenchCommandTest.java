package dev.gamehistory.loader.cli;

import static dev.gamehistory.loader.cli.HglRunner.hgl;
import static dev.gamehistory.loader.cli.HglRunner.hglWithBackends;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.QuerySelector;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code hgl bench}: the table, its JSON, failures and progress. No assertion on wall times. */
class BenchCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void bench_textHasARowPerPlayersCountAndStrategy() {
    HglRunner.Result result = hgl("bench", "--players", "10,20", "--strategies", "batch,chunked:5,per-player,adaptive",
        "--runs", "2");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.err()).isEmpty();
    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0)).startsWith("hgl bench: in-memory: generated league (seed 42, 1 season), ")
        .endsWith("; game date " + LoadCommandTest.LAST_DATE + "; 2 measured loads per row after 3 warm-up rounds of"
            + " every row");
    assertThat(lines).contains("  x fastest: median / the fastest median for the same players count among strategies"
        + " with no failed player", "  wall time per load; spread: (max - min) / median; queries: the median per load;"
        + " failed: failed players over all measured loads;");
    assertThat(lines.get(2)).matches(
        "  players  strategy +median ms +min ms +max ms +spread +queries +failed +x fastest");
    List<String> rows = lines.subList(3, 11);
    String number = " +\\d+\\.\\d";
    String spread = " +\\d+%!?";
    assertThat(rows.get(0)).matches("  +10  batch +" + number.repeat(3).substring(2) + spread + " +1 +0 +\\d+\\.\\d\\d");
    assertThat(rows.get(1)).matches("  +10  chunked\\(size=5, parallelism=4\\)" + number.repeat(3) + spread + " +2 +0 +\\d+\\.\\d\\d");
    assertThat(rows.get(2)).matches("  +10  per-player\\(parallelism=4\\)" + number.repeat(3) + spread + " +10 +0 +\\d+\\.\\d\\d");
    assertThat(rows.get(3)).matches("  +10  adaptive\\(initial-chunk=all, parallelism=4\\)" + number.repeat(3)
        + spread + " +1 +0 +\\d+\\.\\d\\d");
    assertThat(rows.get(5)).matches("  +20  chunked\\(size=5, parallelism=4\\)" + number.repeat(3) + spread + " +4 +0 +\\d+\\.\\d\\d");
    assertThat(rows.get(6)).matches("  +20  per-player\\(parallelism=4\\)" + number.repeat(3) + spread + " +20 +0 +\\d+\\.\\d\\d");
    assertThat(rows.subList(0, 4)).anyMatch(row -> row.endsWith(" 1.00"));
    assertThat(rows.subList(4, 8)).anyMatch(row -> row.endsWith(" 1.00"));
  }

  @Test
  void bench_jsonParses() throws IOException {
    HglRunner.Result result = hgl("bench", "--players", "12", "--strategies", "batch,per-player,adaptive:4",
        "--runs", "3", "--format", "json", "--set", "parallelism=2");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    JsonNode root = JSON.readTree(result.out());
    assertThat(root.path("runs").asInt()).isEqualTo(3);
    assertThat(root.path("warmups").asInt()).isEqualTo(3);
    assertThat(root.path("gameDate").asText()).isEqualTo(LoadCommandTest.LAST_DATE.toString());
    List<String> strategies = new ArrayList<>();
    double fastest = Double.MAX_VALUE;
    for (JsonNode row : root.path("results")) {
      strategies.add(row.path("describe").asText());
      assertThat(row.path("players").asInt()).isEqualTo(12);
      assertThat(row.path("runsMs")).hasSize(3);
      assertThat(row.path("minMs").asDouble()).isLessThanOrEqualTo(row.path("medianMs").asDouble());
      assertThat(row.path("medianMs").asDouble()).isLessThanOrEqualTo(row.path("maxMs").asDouble());
      assertThat(row.path("failedPlayers").asLong()).isZero();
      assertThat(row.path("ratioToFastest").asDouble()).isGreaterThanOrEqualTo(1.0);
      assertThat(row.path("spread").asDouble()).isEqualTo(
          (row.path("maxMs").asDouble() - row.path("minMs").asDouble()) / row.path("medianMs").asDouble());
      assertThat(row.path("wideSpread").asBoolean()).isEqualTo(row.path("spread").asDouble() > 0.5);
      fastest = Math.min(fastest, row.path("ratioToFastest").asDouble());
    }
    assertThat(strategies).containsExactly("batch", "per-player(parallelism=2)", "adaptive(initial-chunk=4, parallelism=2)");
    assertThat(fastest).isEqualTo(1.0);
    assertThat(root.path("results").get(0).path("medianQueries").asDouble()).isEqualTo(1.0);
    assertThat(root.path("results").get(1).path("medianQueries").asDouble()).isEqualTo(12.0);
    assertThat(root.path("results").get(2).path("medianQueries").asDouble()).isEqualTo(3.0);
  }

  @Test
  void bench_failedPlayersExitWith3() throws IOException {
    String broken = LoadCommandTest.PLAYERS.get(0);
    HglRunner.Result result = hglWithBackends(
        settings -> InMemoryGamesQuery.builder().league(LoadCommandTest.LEAGUE)
            .faults(FaultPlan.builder().on(QuerySelector.containingPlayer(broken), Fault.permanentError()).build())
            .build(),
        "bench", "--players", "4", "--strategies", "per-player", "--runs", "2", "--format", "json");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_INCOMPLETE);
    JsonNode row = JSON.readTree(result.out()).path("results").get(0);
    assertThat(row.path("failedPlayers").asLong()).isEqualTo(2);
    assertThat(row.path("loadsWithFailures").asInt()).isEqualTo(2);
    assertThat(row.path("ratioToFastest").isNull()).as("a strategy that failed players is never the fastest").isTrue();
  }

  @Test
  void bench_progressOnlyOnATerminal() {
    HglRunner.Result terminal = HglRunner.run(new CliContext(Map.of(), true),
        "bench", "--players", "3", "--strategies", "batch", "--runs", "2", "--warmups", "1");

    assertThat(terminal.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(terminal.err()).contains("\rhgl bench: 3 players, batch, warm-up 1/1", "\rhgl bench: 3 players, batch, run 2/2")
        .endsWith("\r");
  }

  @Test
  void bench_warmsUpEveryCombinationBeforeMeasuringAny() {
    HglRunner.Result result = HglRunner.run(new CliContext(Map.of(), true),
        "bench", "--players", "1,3", "--strategies", "batch,per-player,adaptive", "--runs", "2", "--warmups", "2");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    List<String> shown = Arrays.stream(result.err().split("\r")).map(String::strip)
        .filter(line -> line.startsWith("hgl bench: ")).toList();
    List<String> warmUps = shown.stream().filter(line -> line.contains(", warm-up ")).toList();
    List<String> runs = shown.stream().filter(line -> line.contains(", run ")).toList();
    assertThat(warmUps).hasSize(2 * 2 * 3).contains("hgl bench: 1 player, batch, warm-up 1/2",
        "hgl bench: 3 players, per-player, warm-up 2/2", "hgl bench: 1 player, adaptive, warm-up 2/2");
    assertThat(runs).hasSize(2 * 2 * 3);
    assertThat(shown.indexOf(warmUps.get(warmUps.size() - 1))).isLessThan(shown.indexOf(runs.get(0)));
    // Each round starts with another combination, so that none is always measured first.
    assertThat(runs.get(0)).isNotEqualTo(runs.get(6).replace("run 2/2", "run 1/2"));
  }

  @Test
  void bench_runsThatSpreadWidely_areWarnedAbout() throws IOException {
    // The first measured load (call 2, after one warm-up) waits 300 ms; the other two do not.
    HglRunner.Result result = hglWithBackends(
        settings -> InMemoryGamesQuery.builder().league(LoadCommandTest.LEAGUE)
            .faults(FaultPlan.builder().on(QuerySelector.nth(2), Fault.latency(Duration.ofMillis(300))).build())
            .build(),
        "bench", "--players", "4", "--strategies", "batch", "--runs", "3", "--warmups", "1");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out().lines().filter(line -> line.startsWith("warning: "))).containsExactly(
        "warning: 1 of 1 row spread widely (marked !: max - min above 50% of the median); take their figures as"
            + " noise: more --runs or --warmups, or a quieter machine");
    assertThat(result.out().lines().filter(line -> line.startsWith("        4  batch "))).singleElement().asString()
        .matches(".* \\d+%! +1 +0 +1\\.00");
  }

  @Test
  void bench_runsThatSpreadNarrowly_getNoWarning() throws IOException {
    // Every load waits 200 ms: the runs differ by far less than the 100 ms that would be half their median.
    HglRunner.Result result = hglWithBackends(
        settings -> InMemoryGamesQuery.builder().league(LoadCommandTest.LEAGUE)
            .faults(FaultPlan.always(Fault.latency(Duration.ofMillis(200)))).build(),
        "bench", "--players", "4", "--strategies", "batch", "--runs", "3", "--warmups", "1", "--format", "json");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    JsonNode row = JSON.readTree(result.out()).path("results").get(0);
    assertThat(row.path("wideSpread").asBoolean()).isFalse();
    assertThat(row.path("medianMs").asDouble()).isGreaterThanOrEqualTo(200);
    HglRunner.Result text = hglWithBackends(
        settings -> InMemoryGamesQuery.builder().league(LoadCommandTest.LEAGUE)
            .faults(FaultPlan.always(Fault.latency(Duration.ofMillis(200)))).build(),
        "bench", "--players", "4", "--strategies", "batch", "--runs", "3", "--warmups", "1");
    assertThat(text.out()).doesNotContain("warning:", "%!");
  }
}
