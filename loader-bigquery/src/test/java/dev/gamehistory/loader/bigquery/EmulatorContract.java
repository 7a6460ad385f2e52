package dev.gamehistory.loader.bigquery;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.spi.TimeSource;
import dev.gamehistory.loader.testkit.LoaderContractTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract suite through the BigQuery backend on the emulator, for one strategy: each test's
 * rows go into a new partitioned, clustered table, queried by a loader built from settings
 * ({@code backend=bigquery}, found with the service loader). The deadline test runs the backend
 * against a fake BigQuery whose jobs never finish, on the suite's manual time.
 */
@ExtendWith(BigQueryEmulator.Extension.class)
abstract class EmulatorContract extends LoaderContractTest {

  private BigQueryEmulator emulator;
  private final List<FakeBigQueryServer> fakes = new ArrayList<>();

  /** The strategy under test. */
  abstract Strategy strategy();

  /** Where the loader sends its requests: the emulator itself, unless a subclass puts a proxy in front. */
  String host(BigQueryEmulator emulator) {
    return emulator.url();
  }

  @BeforeEach
  final void useEmulator(BigQueryEmulator emulator) {
    this.emulator = emulator;
  }

  @AfterEach
  final void stopFakes() {
    fakes.forEach(FakeBigQueryServer::close);
    fakes.clear();
  }

  @Override
  protected LoaderSettings settings() {
    // The emulator scans every row of a table for each query (no partition pruning) and runs one
    // query at a time: ~0.4 s for one player over 16k rows. The limits leave room for the
    // per-player strategy's 360 queries in the large test. The emulator joins a multi-date query's
    // pairs to the rows in time that grows faster than the pairs: 50 pairs a query keeps each short.
    return LoaderSettings.builder()
        .strategy(strategy())
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(120), Duration.ofSeconds(600)))
        .retry(RetryPolicy.none())
        .backfill(new BackfillPolicy(BackfillPolicy.DEFAULT_DATES_PER_QUERY, 50, BackfillPolicy.DEFAULT_DEADLINE))
        .build();
  }

  @Override
  protected HistoricalGamesLoader createLoader(List<GameRow> rows, LoaderSettings settings) {
    String table = EmulatorTables.newTable("contract", strategy().name().replace('-', '_'));
    EmulatorTables.seed(emulator, table, rows);
    Map<String, String> properties = new java.util.HashMap<>(emulator.backendProperties(table));
    properties.put("bigquery.host", host(emulator));
    return HistoricalGamesLoader.fromSettings(settings.toBuilder().backendProperties(properties).build());
  }

  @Override
  protected HistoricalGamesLoader createHangingLoader(List<GameRow> rows, LoaderSettings settings, TimeSource time) {
    FakeBigQueryServer fake = new FakeBigQueryServer();
    fakes.add(fake);
    // A job that never finishes, answered at once: under ManualTime a loader thread blocked in HTTP
    // I/O is busy work, and time moves only when the loader is idle. Answered at once, each poll is
    // followed by the backend's pause on the manual clock (as for a server that ignores timeoutMs),
    // which is idle, so the test's advance reaches the deadline.
    fake.queryRuns();
    fake.resultsRunning(Duration.ZERO);
    fake.cancelAnswers();
    LoaderSettings hanging = settings.toBuilder().backendProperties(Map.of(
        "backend", "bigquery", "bigquery.host", fake.url(), "bigquery.project", FakeBigQueryServer.PROJECT,
        "bigquery.table", "nba.games")).build();
    return HistoricalGamesLoader.builder()
        .backend(BigQueryGamesQuery.builder().fromSettings(hanging).build())
        .settings(hanging)
        .timeSource(time)
        .build();
  }
}
