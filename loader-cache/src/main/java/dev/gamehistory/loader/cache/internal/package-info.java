/** The caching loader on Caffeine; not API, may change in any release. */
@NullMarked
@Internal
package dev.gamehistory.loader.cache.internal;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
