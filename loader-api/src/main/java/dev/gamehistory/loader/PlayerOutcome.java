package dev.gamehistory.loader;

import java.util.List;
import java.util.Objects;

/** What a load ended with for one requested player: exactly one of {@link Loaded} or {@link Failed}. */
public sealed interface PlayerOutcome permits PlayerOutcome.Loaded, PlayerOutcome.Failed {

  /** The player's lookup key, as requested. */
  String player();

  /** Whether the player's history was loaded. */
  boolean isLoaded();

  /**
   * The player's history was loaded: newest first, at most the request's max games. An empty list
   * means the player truly has no game in the window.
   *
   * @param player the player's lookup key
   * @param games the games, newest first
   */
  record Loaded(String player, List<HistoricalGame> games) implements PlayerOutcome {
    /** Copies the games. */
    public Loaded {
      Objects.requireNonNull(player, "player");
      games = List.copyOf(games);
    }

    @Override
    public boolean isLoaded() {
      return true;
    }
  }

  /**
   * The player's history could not be loaded; {@code cause} says why. Never a stand-in for "no games".
   *
   * @param player the player's lookup key
   * @param cause why, with its {@link LoaderException#kind() kind}
   */
  record Failed(String player, LoaderException cause) implements PlayerOutcome {
    /** Validates the fields. */
    public Failed {
      Objects.requireNonNull(player, "player");
      Objects.requireNonNull(cause, "cause");
    }

    @Override
    public boolean isLoaded() {
      return false;
    }

    /** The failure mode. */
    public FailureKind kind() {
      return cause.kind();
    }
  }
}
