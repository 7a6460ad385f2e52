package dev.gamehistory.loader;

import dev.gamehistory.loader.internal.Internals;
import java.util.Map;
import java.util.stream.Collectors;

/** Thrown by {@link LoadResult#orThrow()} when some players failed; lists each with its failure kind. */
public final class IncompleteLoadException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private static final int LISTED = 10;

  private final transient LoadResult result;

  /** The given result has failed players. */
  public IncompleteLoadException(LoadResult result) {
    super(message(result), result.failures().values().stream().findFirst().orElse(null));
    this.result = result;
  }

  private static String message(LoadResult result) {
    Map<String, LoaderException> failures = result.failures();
    String listed = failures.entrySet().stream()
        .limit(LISTED)
        .map(e -> e.getKey() + " (" + e.getValue().kind() + ")")
        .collect(Collectors.joining(", "));
    String more = failures.size() > LISTED ? ", and " + (failures.size() - LISTED) + " more" : "";
    return failures.size() + " of " + Internals.count(result.outcomes().size(), "player", "players") + " failed: " + listed
        + more;
  }

  /** The whole result, with the players that did load. */
  public LoadResult result() {
    return result;
  }
}
