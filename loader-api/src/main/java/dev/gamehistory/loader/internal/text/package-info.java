/** Text of messages: counts with their noun. Not API, may change in any release. */
@NullMarked
@Internal
package dev.gamehistory.loader.internal.text;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
