/**
 * The public API: {@link dev.gamehistory.loader.HistoricalGamesLoader}, its request and result
 * types, strategies, timeout and retry policies, settings and the exceptions for each failure mode.
 */
@NullMarked
@PublicApi
package dev.gamehistory.loader;

import dev.gamehistory.loader.annotations.PublicApi;
import org.jspecify.annotations.NullMarked;
