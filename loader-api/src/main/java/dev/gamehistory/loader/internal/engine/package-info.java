/** The engine: one load's run of a strategy over a backend, its attempts, timers and delivery; the loader's assembly. Not API, may change in any release. */
@NullMarked
@Internal
package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
