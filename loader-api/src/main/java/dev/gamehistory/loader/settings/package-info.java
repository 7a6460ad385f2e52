/**
 * Settings and policies: {@link dev.gamehistory.loader.settings.LoaderSettings}, parsed from keys
 * and values in layers ({@link dev.gamehistory.loader.settings.SettingsSources}), the strategies,
 * the timeout, retry, cache and batching policies, and the settings' one exception.
 */
@NullMarked
@PublicApi
package dev.gamehistory.loader.settings;

import dev.gamehistory.loader.annotations.PublicApi;
import org.jspecify.annotations.NullMarked;
