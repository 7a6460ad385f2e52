/**
 * The Caffeine store behind {@link dev.gamehistory.loader.CachingLoader}: add this module and set
 * {@code cache.enabled=true}, or call {@link dev.gamehistory.loader.HistoricalGamesLoader#caching}.
 */
@NullMarked
package dev.gamehistory.loader.cache;

import org.jspecify.annotations.NullMarked;
