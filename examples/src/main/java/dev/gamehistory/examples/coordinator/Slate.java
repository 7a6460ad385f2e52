package dev.gamehistory.examples.coordinator;

import java.time.LocalDate;
import java.util.List;

/** The players scheduled to play on a date: the slate whose histories a game day needs. */
@FunctionalInterface
public interface Slate {

  /** The lookups of the players scheduled on {@code date}; empty on a day without games. */
  List<String> playersOn(LocalDate date);
}
