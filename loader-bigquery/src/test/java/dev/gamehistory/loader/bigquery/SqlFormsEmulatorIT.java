package dev.gamehistory.loader.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.bigquery.internal.GamesSql;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The two forms of the statement (QUALIFY, the default, and ARRAY_AGG) on the emulator: the same
 * answers, and their dry-run bytes side by side.
 */
@ExtendWith(BigQueryEmulator.Extension.class)
class SqlFormsEmulatorIT {

  @Test
  void forms_sameRequests_sameAnswersAndDryRunBytes(BigQueryEmulator emulator) {
    League league = LeagueGenerator.generate(11, 1);
    Set<String> players = Set.copyOf(league.players().subList(0, 40));
    List<GameRow> rows = league.rows().stream().filter(r -> players.contains(r.playerLookup())).toList();
    String table = EmulatorTables.newTable("forms", "games");
    EmulatorTables.seed(emulator, table, rows);
    LoaderSettings settings = LoaderSettings.builder()
        .strategy(Strategy.batch())
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(60), Duration.ofSeconds(120)))
        .retry(RetryPolicy.none())
        .backendProperties(emulator.backendProperties(table))
        .build();
    BigQueryGamesQuery qualify = BigQueryGamesQuery.builder().fromSettings(settings).form(GamesSql.Form.QUALIFY.name()).build();
    BigQueryGamesQuery arrayAgg = BigQueryGamesQuery.builder().fromSettings(settings).form(GamesSql.Form.ARRAY_AGG.name()).build();

    try (HistoricalGamesLoader viaQualify = HistoricalGamesLoader.builder().backend(qualify).settings(settings).build();
        HistoricalGamesLoader viaArrayAgg = HistoricalGamesLoader.builder().backend(arrayAgg).settings(settings).build()) {
      List<String> slate = List.copyOf(players);
      for (int i = 0; i < 8; i++) {
        LocalDate date = league.pickGameDate(i);
        LoadRequest request = LoadRequest.builder(date).players(slate.subList(i * 4, i * 4 + 8))
            .lookbackDays(30 + 20 * i).maxGames(1 + 4 * i).build();

        LoadResult a = viaQualify.load(request);
        LoadResult b = viaArrayAgg.load(request);

        assertThat(a.isComplete()).as(request.toString()).isTrue();
        assertThat(b.loaded()).as(request.toString()).isEqualTo(a.loaded());
      }
      LoadRequest slateRequest = LoadRequest.of(league.pickGameDate(99), slate);
      CostEstimate qualifyCost = qualify.estimate(slateRequest, Strategy.batch());
      CostEstimate arrayAggCost = arrayAgg.estimate(slateRequest, Strategy.batch());
      System.out.println("dry run on the emulator, " + rows.size() + " rows, " + slate.size() + " players: QUALIFY "
          + qualifyCost.totalBytesProcessed() + " bytes, ARRAY_AGG " + arrayAggCost.totalBytesProcessed() + " bytes");
      assertThat(arrayAggCost.totalBytesProcessed()).isEqualTo(qualifyCost.totalBytesProcessed());
      assertThat(qualifyCost.queryCount()).isEqualTo(1);
    }
  }
}
