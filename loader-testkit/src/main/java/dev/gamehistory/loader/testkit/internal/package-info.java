/** The testkit's implementation: the manual scheduler. */
@NullMarked
@Internal
package dev.gamehistory.loader.testkit.internal;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
