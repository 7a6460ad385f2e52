/**
 * The core API: {@link dev.gamehistory.loader.HistoricalGamesLoader} and its caching and batching
 * forms, the request, the result and each player's outcome, the report, the listener, and the
 * exceptions for each failure mode. Settings and policies are in
 * {@link dev.gamehistory.loader.settings}, the backend SPI in {@link dev.gamehistory.loader.spi}.
 */
@NullMarked
@PublicApi
package dev.gamehistory.loader;

import dev.gamehistory.loader.annotations.PublicApi;
import org.jspecify.annotations.NullMarked;
