/** Settings parsing: the key catalogue, the duration and strategy grammars, layers and their interpretation. Not API, may change in any release. */
@NullMarked
@Internal
package dev.gamehistory.loader.internal.settings;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
