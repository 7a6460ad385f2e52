package dev.gamehistory.loader;

import java.time.Duration;
import java.util.Objects;

/**
 * A decision the engine took during a load.
 *
 * @param kind what it decided
 * @param at when, measured from the start of the load
 * @param players how many players it concerned
 * @param detail a readable description
 */
public record ReportEvent(Kind kind, Duration at, int players, String detail) {

  /** Checks that no field is null. */
  public ReportEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(detail, "detail");
  }

  /** The kinds of decision. */
  public enum Kind {
    /** A failed query's players were tried again after a backoff. */
    RETRY,
    /** A timed-out or failed query was split in two (adaptive strategy). */
    SPLIT,
    /** Players that failed under one stage were handed to the next (fallback strategy). */
    FALLBACK,
    /** The load's deadline passed with players outstanding. */
    DEADLINE,
    /** The load was cancelled by its caller or by closing the loader. */
    CANCELLED
  }
}
