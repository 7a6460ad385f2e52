/** The loaders' threads and clock: owned daemon pools, the system time source, waiting for futures, duration arithmetic. Not API, may change in any release. */
@NullMarked
@Internal
package dev.gamehistory.loader.internal.concurrent;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
