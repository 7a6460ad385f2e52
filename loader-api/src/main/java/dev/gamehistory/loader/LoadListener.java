package dev.gamehistory.loader;

import dev.gamehistory.loader.annotations.PublicSpi;

/**
 * Hears what a loader's loads do: each load as it starts and ends, each query attempt as it starts
 * and ends. Register listeners with {@link HistoricalGamesLoader.Builder#listener(LoadListener)}; the
 * per-load log line, the Micrometer metrics and the Micrometer observations (traces) are listeners.
 *
 * <p>Every callback of one load gets the same {@link LoadScope}, where a listener keeps its own state
 * between them (an observation started at the load's start and stopped at its end, say). The
 * methods taking a request instead of a scope are the simpler form: the scope forms call them by
 * default, so a listener implements whichever it needs.
 *
 * <p>Callbacks run on a loader thread, never a timer's, outside the engine's lock, one at a time per
 * load and in order: the load's start, then each query's start and end, then the load's end, before
 * its caller's future completes. They must be quick and must not block. A listener that throws is
 * logged and ignored; it never changes a load's outcome.
 */
@PublicSpi
public interface LoadListener {

  /** A load started; called once per load, before any of its queries. */
  default void onLoadStart(LoadScope load) {}

  /** A query attempt of the load started: its backend call begins. */
  default void onQueryStart(LoadScope load, QueryStart query) {}

  /** A query attempt of the load ended: succeeded, failed, timed out or cancelled. Calls {@link #onQueryEnd(LoadRequest, QueryAttempt)}. */
  default void onQueryEnd(LoadScope load, QueryAttempt attempt) {
    onQueryEnd(load.request(), attempt);
  }

  /** The load ended with {@code result}; called once per load. Calls {@link #onLoadEnd(LoadRequest, LoadResult)}. */
  default void onLoadEnd(LoadScope load, LoadResult result) {
    onLoadEnd(load.request(), result);
  }

  /** A query attempt of {@code request} ended: succeeded, failed, timed out or cancelled. */
  default void onQueryEnd(LoadRequest request, QueryAttempt attempt) {}

  /** A load ended with {@code result}; called once per load. */
  default void onLoadEnd(LoadRequest request, LoadResult result) {}
}
