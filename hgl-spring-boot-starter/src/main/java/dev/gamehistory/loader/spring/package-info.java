/**
 * Spring Boot auto-configuration of the loader:
 * {@link dev.gamehistory.loader.spring.HistoricalGamesLoaderAutoConfiguration} (settings from the
 * {@code hgl.*} properties, the backend, the loader and its metrics) and
 * {@link dev.gamehistory.loader.spring.HistoricalGamesLoaderHealthAutoConfiguration} (the backend's
 * health indicator).
 */
@NullMarked
@PublicApi
package dev.gamehistory.loader.spring;

import dev.gamehistory.loader.annotations.PublicApi;
import org.jspecify.annotations.NullMarked;
