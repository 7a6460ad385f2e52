package dev.gamehistory.loader.internal.engine;

import java.time.LocalDate;

/** One player on one game date: what a load decides, loaded or failed, exactly once. */
record Pair(LocalDate gameDate, String player) {}
