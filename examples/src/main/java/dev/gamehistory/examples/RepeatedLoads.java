package dev.gamehistory.examples;

import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.settings.LoaderSettings;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The README's repeated and overlapping loads: a cached loader answering a re-run from the cache,
 * single-player calls through a {@link PlayerHistoryClient}, and an invalidation. The lines between
 * the README markers are copied into the README verbatim, and a test checks that they stay the same.
 */
public final class RepeatedLoads {

  private RepeatedLoads() {}

  /** Runs the example; prints to stdout. */
  public static void main(String[] args) {
    // README:begin
    LoaderSettings settings = LoaderSettings.fromMap(Map.of("backend", "in-memory", "cache.enabled", "true"));
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.fromSettings(settings);
        PlayerHistoryClient client = PlayerHistoryClient.of(loader)) {
      LocalDate gameDate = LocalDate.of(2022, 1, 15);
      List<String> slate = List.of("aaronbrooks", "aarongibson", "adamford");
      LoadResult first = loader.load(loader.newRequest(gameDate, slate).build());
      LoadResult rerun = loader.load(loader.newRequest(gameDate, slate).build()); // no query: all cached
      System.out.println(first.report().cache().orElseThrow() + " then " + rerun.report().cache().orElseThrow());
      // One player at a time, from any number of threads: calls within batching.max-delay share a load.
      System.out.println("adamford: " + client.games("adamford", gameDate).size() + " games");
      ((CachingLoader) loader).invalidate("aaronbrooks"); // e.g. after a stat correction
    }
    // README:end
  }
}
