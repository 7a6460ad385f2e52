package dev.gamehistory.examples;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.settings.LoaderSettings;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The README's quickstart: settings, a loader on the in-memory backend, a load of five players,
 * each player's games or failure. The lines between the README markers are copied into the README
 * verbatim, and a test checks that they stay the same.
 */
public final class Quickstart {

  private Quickstart() {}

  /** Runs the quickstart; prints to stdout. */
  public static void main(String[] args) {
    // README:begin
    LoaderSettings settings = LoaderSettings.fromMap(Map.of("backend", "in-memory", "strategy", "adaptive"));
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.fromSettings(settings)) {
      List<String> players = List.of("aaronbrooks", "aarongibson", "adamford", "daniellong", "nosuchplayer");
      LoadResult result = loader.load(loader.newRequest(LocalDate.of(2022, 1, 15), players).build());
      result.outcomes().forEach((player, outcome) -> {
        if (outcome instanceof PlayerOutcome.Loaded loaded) { // newest first; empty: truly no game in the window
          loaded.games().stream().findFirst().ifPresentOrElse(
              last -> System.out.println(player + ": " + loaded.games().size() + " games, last " + last.gameDate()),
              () -> System.out.println(player + ": no game in the window"));
        } else if (outcome instanceof PlayerOutcome.Failed failed) {
          System.out.println(player + ": not loaded (" + failed.kind() + "): " + failed.cause().getMessage());
        }
      });
      System.out.println(result.report().summary());
    }
    // README:end
  }
}
