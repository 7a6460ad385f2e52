package dev.gamehistory.examples.coordinator;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a prediction worker receives for one player of the slate.
 *
 * <p>Either the history was loaded ({@code historyMissing} false, {@code history} newest first,
 * empty only when the player truly has no game in the window), or it could not be loaded
 * ({@code historyMissing} true, {@code history} empty and {@code missingReason} the failure kind,
 * e.g. {@code TIMEOUT}). A worker must not read a missing history as "no games".
 *
 * @param player the player's lookup
 * @param gameDate the game day the history leads up to
 * @param history the player's most recent games before the game date, newest first
 * @param historyMissing whether the history could not be loaded
 * @param missingReason the {@link FailureKind} name when the history is missing, else {@code null}
 */
public record WorkerMessage(
    String player,
    LocalDate gameDate,
    List<HistoricalGame> history,
    boolean historyMissing,
    @Nullable String missingReason) {

  /**
   * Validates the fields: a missing history is empty and has a reason; a loaded one has none.
   *
   * @throws IllegalArgumentException when they disagree
   */
  public WorkerMessage {
    Objects.requireNonNull(player, "player");
    Objects.requireNonNull(gameDate, "gameDate");
    history = List.copyOf(history);
    if (historyMissing && (missingReason == null || !history.isEmpty())) {
      throw new IllegalArgumentException("a missing history must be empty and have a reason but had "
          + history.size() + (history.size() == 1 ? " game" : " games") + " and reason " + missingReason);
    }
    if (!historyMissing && missingReason != null) {
      throw new IllegalArgumentException("a loaded history must have no missing reason but had " + missingReason);
    }
  }

  /** A loaded history (possibly empty: the player has no game in the window). */
  public static WorkerMessage loaded(String player, LocalDate gameDate, List<HistoricalGame> history) {
    return new WorkerMessage(player, gameDate, history, false, null);
  }

  /** A history that could not be loaded, with why. */
  public static WorkerMessage missing(String player, LocalDate gameDate, FailureKind reason) {
    return new WorkerMessage(player, gameDate, List.of(), true, reason.name());
  }
}
