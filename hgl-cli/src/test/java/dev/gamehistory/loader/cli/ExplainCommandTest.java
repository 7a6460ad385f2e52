package dev.gamehistory.loader.cli;

import static dev.gamehistory.loader.cli.HglRunner.hgl;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hgl explain}: values with their origins, the backend, and the BigQuery statement and dry run. */
class ExplainCommandTest {

  @TempDir
  Path dir;

  @Test
  void explain_showsWhereEachValueCameFrom() throws IOException {
    Path config = Files.writeString(dir.resolve("hgl.properties"), "strategy=chunked\nmax-games=20\n",
        StandardCharsets.UTF_8);

    HglRunner.Result result = HglRunner.hglWithEnvironment(Map.of("HGL_DEADLINE", "45s", "HGL_MAX_GAMES", "25"),
        "explain", "--config", config.toString(), "--set", "chunk-size=50", "--set", "max-games=10");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).containsPattern("\n  strategy +chunked +" + Pattern.quote(config + ":1") + "\n")
        .containsPattern("\n  chunk-size +50 +--set\n")
        .containsPattern("\n  deadline +45s +environment variable HGL_DEADLINE\n")
        .containsPattern("\n  max-games +10 +--set\n")
        .containsPattern("\n  query-timeout +20s +default\n")
        .containsPattern("\n  backend +in-memory +default\n")
        .contains("  strategy  chunked(size=50, parallelism=4)\n", "  timeouts  query 20000 ms, deadline 45000 ms\n",
            "  window    90 days before the game date, up to 10 games per player\n",
            "in-memory: generated league (seed 42, 1 season)",
            "hgl load's default game date: " + LoadCommandTest.LAST_DATE);
  }

  @Test
  void explain_strategyOnTop_showsTheLowerLayersUnusedKeysAsIgnored() throws IOException {
    Path ops = Files.writeString(dir.resolve("ops.properties"), "strategy=chunked\nchunk-size=50\nparallelism=8\n",
        StandardCharsets.UTF_8);

    HglRunner.Result result = hgl("explain", "--config", ops.toString(), "--set", "strategy=batch");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out())
        .containsPattern("\n  strategy +batch +--set\n")
        .containsPattern("\n  chunk-size +50 +" + Pattern.quote(ops + ":2  IGNORED: not used by strategy 'batch' (--set)")
            + "\n")
        .containsPattern("\n  parallelism +8 +" + Pattern.quote(ops + ":3  IGNORED: not used by strategy 'batch' (--set)")
            + "\n")
        .contains("  strategy  batch\n");
  }

  @Test
  void explain_environmentStrategyOverAConfigFile_showsTheFilesChunkSizeAsIgnored() throws IOException {
    Path ops = Files.writeString(dir.resolve("ops.properties"), "chunk-size=50\n", StandardCharsets.UTF_8);

    HglRunner.Result result = HglRunner.hglWithEnvironment(Map.of("HGL_STRATEGY", "BATCH"),
        "explain", "--config", ops.toString());

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).containsPattern("\n  chunk-size +50 +" + Pattern.quote(ops + ":1  IGNORED: not used by"
        + " strategy 'batch' (environment variable HGL_STRATEGY)") + "\n");
  }

  @Test
  void explain_deadlineAlone_theQueryTimeoutFollowsIt() {
    HglRunner.Result result = hgl("explain", "--set", "deadline=5s");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).containsPattern("\n  query-timeout +5s +default\n")
        .contains("  timeouts  query 5000 ms, deadline 5000 ms\n");
  }

  @Test
  void explain_verboseListsEveryKey() {
    HglRunner.Result result = hgl("explain", "--verbose");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out()).contains("every known key", "bigquery.maximum-bytes-billed", "HGL_BIGQUERY_MAXIMUM_BYTES_BILLED",
        "in-memory.csv");
  }

  @Test
  void explain_bigqueryPrintsTheSqlAndWhyTheDryRunWasSkipped() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    HglRunner.Result result = hgl("explain", "--date", "2022-04-11", "--set", "backend=bigquery",
        "--set", "bigquery.project=test", "--set", "bigquery.host=http://127.0.0.1:" + closedPort,
        "--set", "bigquery.table=test.hgl.player_game_summary", "--set", "strategy=chunked");

    assertThat(result.exitCode()).isEqualTo(Hgl.EXIT_OK);
    assertThat(result.out())
        .containsPattern("\n  bigquery.table +test.hgl.player_game_summary +--set\n")
        .contains("  bigquery: table test.hgl.player_game_summary at http://127.0.0.1:" + closedPort,
            "sql (values are bound as query parameters, never spliced into the text)",
            "FROM `test`.`hgl`.`player_game_summary`", "IN UNNEST(@players)",
            "dry run: 360 placeholder players", " on 2022-04-11\n",
            "  skipped: the dry run failed (BACKEND): ");
  }
}
