/**
 * The backend SPI: a {@link dev.gamehistory.loader.spi.GamesQuery} fetches some players' windows
 * within the time the engine gives it and stops when cancelled. Strategies, timeouts, retries and
 * deadlines belong to the engine, not to backends.
 */
@NullMarked
@PublicSpi
package dev.gamehistory.loader.spi;

import dev.gamehistory.loader.annotations.PublicSpi;
import org.jspecify.annotations.NullMarked;
