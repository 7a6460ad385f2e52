package dev.gamehistory.loader;

import dev.gamehistory.loader.annotations.PublicSpi;

/**
 * Hears what a loader's loads do: each query attempt as it ends, and each load as it ends. Register
 * listeners with {@link HistoricalGamesLoader.Builder#listener(LoadListener)}; the per-load log
 * line and the Micrometer metrics are listeners.
 *
 * <p>Callbacks run on an engine thread, outside the engine's lock, one at a time per load and in
 * order: every query of a load is heard before the load itself, and the load before its caller's
 * future completes. They must be quick and must not block. A listener that throws is logged and
 * ignored; it never changes a load's outcome.
 */
@PublicSpi
public interface LoadListener {

  /** A query attempt of {@code request} ended: succeeded, failed, timed out or cancelled. */
  default void onQueryEnd(LoadRequest request, QueryAttempt attempt) {}

  /** A load ended with {@code result}; called once per load. */
  default void onLoadEnd(LoadRequest request, LoadResult result) {}
}
