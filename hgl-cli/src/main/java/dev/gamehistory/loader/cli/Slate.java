package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.SettingsSources;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code hgl bench} and {@code hgl compare} load: each players count's lookups, the game date
 * and the backend's description, read once from the backend.
 *
 * @param lookups the players of each count, in the order the counts were given
 * @param date the game date
 * @param backend the backend as printed
 */
record Slate(Map<Integer, List<String>> lookups, LocalDate date, String backend) {

  /** The players counts measured by default: a production batch that was measured, and a full slate. */
  static final String DEFAULT_PLAYERS = "118,360";

  /** Opens the settings' backend to pick the players and the date, and closes it. */
  static Slate probe(LoaderSettings settings, SettingsSources.Resolved sources, CliContext context,
      RequestOptions options, List<Integer> counts) {
    Backend probe = Backend.open(settings, sources, context);
    try {
      Map<Integer, List<String>> lookups = new LinkedHashMap<>();
      for (int count : counts) {
        lookups.put(count, options.players(count, "--players", probe));
      }
      LocalDate date = options.date(probe.rows().flatMap(Backend.Rows::lastGameDate).orElse(null), probe.name());
      return new Slate(lookups, date, probe.describe());
    } finally {
      probe.close();
    }
  }

  /** Parses {@code --players}: distinct counts, in the order given. */
  static List<Integer> counts(String text) {
    List<Integer> counts = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      int count = RequestOptions.parseCount("--players", part, 1, RequestOptions.MAX_PLAYERS);
      if (!counts.contains(count)) {
        counts.add(count);
      }
    }
    return counts;
  }
}
