/** The engine and settings parser; not API, may change in any release. */
@NullMarked
@Internal
package dev.gamehistory.loader.internal;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
