/** Gathering single-player calls into loads, for PlayerHistoryClient. Not API, may change in any release. */
@NullMarked
@Internal
package dev.gamehistory.loader.internal.batching;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
