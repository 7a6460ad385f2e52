/** The testkit's implementation: window computation, CSV tokenizing, the manual scheduler and the league simulation. */
@NullMarked
@Internal
package dev.gamehistory.loader.testkit.internal;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
