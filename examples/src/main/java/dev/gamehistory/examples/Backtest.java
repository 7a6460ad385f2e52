package dev.gamehistory.examples;

import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.DateResult;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.settings.LoaderSettings;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The README's backtest: a week of game dates in one backfill, each date's histories exactly what
 * the game-day load returns, read in date order. The lines between the README markers are copied
 * into the README verbatim, and a test checks that they stay the same.
 */
public final class Backtest {

  private Backtest() {}

  /** Runs the example; prints to stdout. */
  public static void main(String[] args) {
    // README:begin
    LoaderSettings settings = LoaderSettings.fromMap(Map.of("backend", "in-memory"));
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.fromSettings(settings)) {
      BackfillRequest.Builder request = BackfillRequest.builder(settings); // or BackfillRequest.of(loadRequests)
      for (LocalDate date = LocalDate.of(2022, 1, 10); date.isBefore(LocalDate.of(2022, 1, 17)); date = date.plusDays(1)) {
        request.players(date, List.of("aaronbrooks", "aarongibson", "adamford")); // or .player(date, player)
      }
      try (Backfill backfill = loader.backfill(request.build())) {
        for (DateResult date : (Iterable<DateResult>) () -> backfill) { // in date order, as dates end
          System.out.println(date.gameDate() + ": " + date.result().loaded().size() + " loaded, "
              + date.result().failedPlayers().size() + " failed"); // same outcomes and report as load()
        }
        System.out.println(backfill.report().summary());
      }
    }
    // README:end
  }
}
